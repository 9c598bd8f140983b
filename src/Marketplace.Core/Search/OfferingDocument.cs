using Marketplace.Core.Catalog;

namespace Marketplace.Core.Search;

public sealed record GeoPoint(double Lat, double Lon)
{
    /// <summary>Great-circle distance in kilometres (haversine, mean Earth radius).</summary>
    public double DistanceKmTo(GeoPoint other)
    {
        const double r = 6371.0088;
        double dLat = Rad(other.Lat - Lat), dLon = Rad(other.Lon - Lon);
        double sinLat = Math.Sin(dLat / 2), sinLon = Math.Sin(dLon / 2);
        var a = sinLat * sinLat + Math.Cos(Rad(Lat)) * Math.Cos(Rad(other.Lat)) * (sinLon * sinLon);
        return 2 * r * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static double Rad(double deg) => deg * Math.PI / 180;
}

/// <summary>A future, scheduled session as the index sees it; free seats lag the store by design.</summary>
public sealed record SessionSlot(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int FreeSeats);

/// <summary>
/// What the offering index holds for one searchable offering: only published offerings of approved
/// providers are indexed. Built from the store by <see cref="OfferingProjection"/>; derived data, always rebuildable.
/// </summary>
public sealed record OfferingDocument(
    Guid Id, Guid ProviderId, string ProviderName, string Title, string Summary, string Description, IReadOnlyList<string> Tags,
    Category Category, DeliveryMode Mode, IReadOnlyList<int> Grades, IReadOnlyList<string> Districts, long PriceFen,
    GeoPoint? Venue, IReadOnlyList<SessionSlot> Sessions, long Version, DateTimeOffset UpdatedAt)
{
    /// <summary>The districts whose schools may see and book it (<c>DistrictReach</c>); empty until the projection fills it.</summary>
    public IReadOnlyList<string> VisibleIn { get; init; } = [];
}
