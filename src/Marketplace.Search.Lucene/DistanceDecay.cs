namespace Marketplace.Search.Lucene;

/// <summary>
/// The same Gaussian distance decay Elasticsearch applies in <c>function_score</c> (origin = the searcher,
/// offset 1 km, scale 5 km, decay 0.5), so both adapters favour nearby venues alike. No venue: factor 1, as in ES.
/// </summary>
internal static class DistanceDecay
{
    public const double OffsetKm = 1, ScaleKm = 5, Decay = 0.5;

    public static double Gauss(double distanceKm)
    {
        if (double.IsNaN(distanceKm)) return 1;
        var sigmaSquared = -(ScaleKm * ScaleKm) / (2 * Math.Log(Decay));
        var beyond = Math.Max(0, distanceKm - OffsetKm);
        return Math.Exp(-(beyond * beyond) / (2 * sigmaSquared));
    }
}
