namespace Marketplace.Core.Shared;

public enum Role { Provider, School, Bureau }

/// <summary>Who is asking: every read and write is scoped by the caller's organisation.</summary>
public sealed record Caller(Guid UserId, string Username, Role Role, Guid OrganizationId, IReadOnlyList<string> Districts)
{
    public bool IsBureauOf(string districtCode) => Role == Role.Bureau && Districts.Contains(districtCode);

    public bool IsBureauOfAny(IEnumerable<string> districtCodes) => Role == Role.Bureau && districtCodes.Any(Districts.Contains);

    public string AuditName => $"{Role}:{Username}";

    /// <summary>The change-feed audiences this caller belongs to.</summary>
    public IReadOnlyList<string> Audiences => Role == Role.Bureau
        ? [Audience.Organization(OrganizationId), .. Districts.Select(Audience.District)]
        : [Audience.Organization(OrganizationId)];
}

public static class Audience
{
    private const string OfferingPrefix = "offering:";

    public static string Organization(Guid id) => "org:" + id.ToString("N");
    public static string District(string code) => "district:" + code;
    public static string Offering(Guid id) => OfferingPrefix + id.ToString("N");

    /// <summary>The watchers of an offering: anyone, signed in or not.</summary>
    public static bool IsOffering(string audience) => audience.StartsWith(OfferingPrefix, StringComparison.Ordinal);
}
