namespace Marketplace.Core.Shared;

/// <summary>Bureau = a district bureau (区县教育局: vets, reviews, blocks), CityBureau = a city bureau (市教委/市教育局: reads its
/// districts, never writes), Administrator = the platform's operator (districts, organisations, accounts), Guardian = a pupil's
/// parent or guardian (家长/监护人, issue 18): its organisation is itself (its own user id), so every organisation-scoped read finds nothing of others.</summary>
public enum Role { Provider, School, Bureau, CityBureau, Administrator, Guardian }

/// <summary>Within an organisation: Admin manages its users, Staff does the work. Users stored before this existed were each the
/// first of their organisation and load as Admin (0).</summary>
public enum OrgRole { Admin = 0, Staff }

/// <summary>Who is asking: every read and write is scoped by the caller's organisation.</summary>
public sealed record Caller(Guid UserId, string Username, Role Role, Guid OrganizationId, IReadOnlyList<string> Districts, OrgRole OrgRole = OrgRole.Staff)
{
    /// <summary>Where the request came from (the remote address after the trusted-proxy rules), for the audit; null outside HTTP.</summary>
    public string? Address { get; init; }

    /// <summary>A district bureau holding <paramref name="districtCode"/>: decides vetting, review and blocks there.</summary>
    public bool IsBureauOf(string districtCode) => Role == Role.Bureau && Districts.Contains(districtCode);

    public bool IsBureauOfAny(IEnumerable<string> districtCodes) => Role == Role.Bureau && districtCodes.Any(Districts.Contains);

    /// <summary>A district or city bureau holding <paramref name="districtCode"/>: may read what happens there.</summary>
    public bool Oversees(string districtCode) => IsOversight && Districts.Contains(districtCode);

    public bool OverseesAny(IEnumerable<string> districtCodes) => IsOversight && districtCodes.Any(Districts.Contains);

    private bool IsOversight => Role is Role.Bureau or Role.CityBureau;

    public string AuditName => $"{Role}:{Username}";

    /// <summary>The change-feed audiences this caller belongs to.</summary>
    public IReadOnlyList<string> Audiences => IsOversight
        ? [Audience.Organization(OrganizationId), .. Districts.Select(Audience.District)]
        : [Audience.Organization(OrganizationId)];
}

public static class Audience
{
    private const string OfferingPrefix = "offering:";

    public static string Organization(Guid id) => "org:" + id.ToString("N");
    public static string District(string code) => "district:" + code;
    public static string Offering(Guid id) => OfferingPrefix + id.ToString("N");

    /// <summary>An organisation's stream (a school, a provider).</summary>
    public static bool IsOrganization(string audience) => audience.StartsWith("org:", StringComparison.Ordinal);

    /// <summary>The watchers of an offering: anyone, signed in or not.</summary>
    public static bool IsOffering(string audience) => audience.StartsWith(OfferingPrefix, StringComparison.Ordinal);
}
