namespace Marketplace.Core.Catalog;

/// <summary>How an offering stands for the schools of one district (<see cref="DistrictReach.For"/>).</summary>
public enum Reach
{
    /// <summary>Its schools see it and may book it.</summary>
    Visible,

    /// <summary>Never shown there: the provider is not approved in the district, or the district's bureau blocked the offering.</summary>
    Hidden,

    /// <summary>Approved there, but it serves on campus only and not in this district (<c>district-not-served</c>).</summary>
    DistrictNotServed,

    /// <summary>Approved there, but it serves off campus only and its venue is beyond the district's travel limit (<c>venue-too-far</c>).</summary>
    VenueTooFar,
}

/// <summary>
/// What a school sees: the one rule behind search (worked out in advance into <c>OfferingDocument.VisibleIn</c>), GET and
/// booking. District D's schools see an offering when the provider is approved in D, the offering is not blocked in D, and
/// either it serves on campus with D among its districts, or it serves off campus with its venue within D's travel limit:
/// by default (no limit) the venue's district is in D's city; with <see cref="District.TravelLimitKm"/>, the great-circle
/// distance from D's centre to the venue is at most the limit. The distance is measured from the district's centre, not
/// per school, so the rule is a property of the district and fits one keyword field in the index.
/// </summary>
public static class DistrictReach
{
    /// <summary>The districts (of <paramref name="districts"/>, the known ones) whose schools may see and book the offering.</summary>
    public static IReadOnlyList<string> VisibleIn(Offering offering, Provider provider, IReadOnlyList<District> districts)
    {
        var venueCity = VenueCity(offering, provider, districts);
        return districts.Where(d => For(offering, provider, d, venueCity) == Reach.Visible).Select(d => d.Code).ToArray();
    }

    /// <summary>How the offering stands for the schools of <paramref name="district"/> (<paramref name="districts"/>: the known
    /// ones, to find the venue's city).</summary>
    public static Reach For(Offering offering, Provider provider, District district, IReadOnlyList<District> districts) =>
        For(offering, provider, district, VenueCity(offering, provider, districts));

    /// <summary>Whether the district's schools may know of the offering at all (GET, the hub): its provider is approved there and
    /// it is not blocked there. Whether they can reach it is <see cref="For(Offering, Provider, District, IReadOnlyList{District})"/>.</summary>
    public static bool IsShownIn(Offering offering, Provider provider, string district) =>
        provider.IsApprovedIn(district) && !offering.IsBlockedIn(district);

    private static Reach For(Offering offering, Provider provider, District district, string? venueCity)
    {
        if (!IsShownIn(offering, provider, district.Code)) return Reach.Hidden;
        var content = offering.Content;
        if (content.ServesOnCampus && content.Districts.Contains(district.Code)) return Reach.Visible;
        if (content.ServesOffCampus && content.Venue is { } venue && VenueWithinLimit(venue, venueCity, district)) return Reach.Visible;
        // Both modes out of reach: the school is served neither at home nor at a venue it may travel to.
        return content.ServesOnCampus ? Reach.DistrictNotServed : Reach.VenueTooFar;
    }

    /// <summary>Same city by default; with a limit, km from the district's centre. A limit without a centre (the district
    /// admin refuses one) falls back to the same city.</summary>
    private static bool VenueWithinLimit(Venue venue, string? venueCity, District district) =>
        district is { TravelLimitKm: { } limit, Lat: { } lat, Lon: { } lon }
            ? DistanceKm(lat, lon, venue.Lat, venue.Lon) <= limit
            : venueCity == district.CityCode;

    /// <summary>The city of the venue's district: the one given with the venue, else the provider's home district.</summary>
    private static string? VenueCity(Offering offering, Provider provider, IReadOnlyList<District> districts)
    {
        if (offering.Content.Venue is not { } venue) return null;
        var code = venue.DistrictCode ?? provider.HomeDistrict;
        if (code.Length == 0) return null;
        return (districts.FirstOrDefault(d => d.Code == code) ?? new District(code, "", "", "")).CityCode;
    }

    /// <summary>Great-circle distance in kilometres (haversine, mean Earth radius).</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        const double r = 6371.0088;
        double dLat = Rad(lat2 - lat1), dLon = Rad(lon2 - lon1);
        double sinLat = Math.Sin(dLat / 2), sinLon = Math.Sin(dLon / 2);
        var a = sinLat * sinLat + Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * (sinLon * sinLon);
        return 2 * r * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static double Rad(double deg) => deg * Math.PI / 180;
}
