using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

/// <summary>Issue 10 #1 in Core: NaN passed every range check of a coordinate (each comparison with NaN is false).</summary>
public class FiniteCoordinateTests
{
    private static readonly HashSet<string> Districts = ["110105"];

    [Theory]
    [InlineData(double.NaN, 116.44, "venue.lat")]
    [InlineData(39.92, double.NaN, "venue.lon")]
    [InlineData(double.PositiveInfinity, 116.44, "venue.lat")]
    [InlineData(39.92, double.NegativeInfinity, "venue.lon")]
    public void Validate_WithANonFiniteCoordinate_NamesIt(double lat, double lon, string field)
    {
        var input = OfferingTests.Input() with { Venue = new VenueInput("北京市朝阳区科技馆", lat, lon) };

        var error = Assert.Throws<ValidationFailedException>(() => input.Validate(Districts));

        Assert.Contains(field, error.Errors.Keys);
    }

    [Fact]
    public void Validate_WithFiniteCoordinatesInChina_Passes() =>
        Assert.Equal(39.92, OfferingTests.Input().Validate(Districts).Venue!.Lat);
}
