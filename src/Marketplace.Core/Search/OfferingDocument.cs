using Marketplace.Core.Catalog;

namespace Marketplace.Core.Search;

public sealed record GeoPoint(double Lat, double Lon)
{
    /// <summary>Great-circle distance in kilometres (haversine, mean Earth radius).</summary>
    public double DistanceKmTo(GeoPoint other) => DistrictReach.DistanceKm(Lat, Lon, other.Lat, other.Lon);
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

    /// <summary>The districts it serves on campus (请进来): the offering's own districts when its mode serves on campus, else none.
    /// Unlike <see cref="Districts"/> never the provider's districts of an off-campus offering.</summary>
    public IReadOnlyList<string> CampusDistricts { get; init; } = [];

    /// <summary>Whether the provider comes to schools of <paramref name="district"/>.</summary>
    public bool ComesTo(string? district) => district is not null && (Mode is DeliveryMode.OnCampus or DeliveryMode.Both) && CampusDistricts.Contains(district);
}
