using Marketplace.Core.Catalog;

namespace Marketplace.Core.Reports;

/// <summary>The ministry's reporting groups (监测直报) of the catalog's categories (docs/monitoring.md).</summary>
public enum CategoryGroup { ArtsSports, Reading, Science, Clubs, Labour }

public static class CategoryGroups
{
    public static readonly IReadOnlyList<CategoryGroup> All = Enum.GetValues<CategoryGroup>();

    /// <summary>文艺体育 = Arts + Sports; 阅读 = Reading; 科普 = Science; 兴趣小组/社团 = Clubs; 劳动 = Labour.</summary>
    public static CategoryGroup Of(Category category) => category switch
    {
        Category.Arts or Category.Sports => CategoryGroup.ArtsSports,
        Category.Reading => CategoryGroup.Reading,
        Category.Science => CategoryGroup.Science,
        Category.Clubs => CategoryGroup.Clubs,
        _ => CategoryGroup.Labour,
    };

    public static string Code(CategoryGroup group) => group switch
    {
        CategoryGroup.ArtsSports => "arts-sports",
        CategoryGroup.Reading => "reading",
        CategoryGroup.Science => "science",
        CategoryGroup.Clubs => "clubs",
        _ => "labour",
    };
}

/// <summary><see cref="Count"/> of <see cref="Of"/>, and the ratio rounded to four places (0 when <see cref="Of"/> is 0).</summary>
public sealed record Share(long Count, long Of)
{
    public decimal Ratio => Of == 0 ? 0m : Math.Round((decimal)Count / Of, 4, MidpointRounding.AwayFromZero);
}

/// <summary>Schools with at least one delivered session of the group, of all the scope's schools.</summary>
public sealed record CategoryCoverage(CategoryGroup Group, string Code, Share Schools);

/// <summary>Distinct pupils served, of the enrolment: exact for the <see cref="SchoolsByRollCall"/> schools measured by roll call, the
/// estimate for the others (<see cref="Method"/>: <see cref="CoverageQueries.ParticipationMethod"/> when no school has a roll).</summary>
public sealed record Participation(long PupilsEstimated, long Enrolment, decimal Ratio, string Method)
{
    /// <summary>Schools of the scope whose figure is their distinct present pupils by roll call (the rest are estimated).</summary>
    public int SchoolsByRollCall { get; init; }
}

/// <summary>
/// The semester's money by source, from the ledger (transactions posted in the semester's dates; commitments, settlements,
/// cancellations and reversals, net): what the bureau's subsidy, the families (service fees and 代收费) and the school funds bore,
/// and where it went — providers for lessons delivered, 代收费 passed on at cost, and what is still held for lessons not yet settled.
/// Sources and uses balance: Subsidy + Families + SchoolFund = Providers + CollectedFees + Held.
/// </summary>
public sealed record Spending(long SubsidyFen, long FamiliesFen, long SchoolFundFen, long ProvidersFen, long CollectedFeesFen, long HeldFen);

/// <summary>Delivered bookings by how they were delivered: 请进来 (on campus), 走出去 (off campus), an offering offering both (the booking does not say which).</summary>
public sealed record ModeMix(long OnCampus, long OffCampus, long Both, long Unknown)
{
    public long Total => OnCampus + OffCampus + Both + Unknown;
}

/// <summary>A provider's bookings of the semester in the scope: cancelled of all; no-shows of the sessions due to have happened.</summary>
public sealed record ProviderRates(Guid ProviderId, string Name, ProviderKind? Kind, Share Cancelled, Share NoShows);

public sealed record CoverageFigures(
    string Semester, int Schools, IReadOnlyList<CategoryCoverage> Categories, Participation Participation, Share PolicyInForce,
    Spending Spending, ModeMix Modes, IReadOnlyDictionary<ProviderKind, long> ProviderKinds, IReadOnlyList<ProviderRates> Providers);

/// <summary>One figure this semester and the previous one, and the difference (this minus previous).</summary>
public sealed record Trend(string Metric, decimal Current, decimal Previous, decimal Change);

/// <summary>The figures of one district (or of all the caller's districts: <see cref="District"/> "all").</summary>
public sealed record CoverageScope(string District, string Name, CoverageFigures Current, CoverageFigures Previous, IReadOnlyList<Trend> Trend);

/// <summary>
/// The coverage report (监测直报, issue 16) of a semester: <see cref="Total"/> over the districts asked for, and for a city bureau
/// (more than one district) each district. <see cref="Definitions"/>: each figure's definition in the reader's language (filled by
/// the host from its resources).
/// </summary>
public sealed record CoverageReport(
    string Semester, string PreviousSemester, DateTimeOffset AsOf, IReadOnlyList<string> Districts, CoverageScope Total,
    IReadOnlyList<CoverageScope> ByDistrict)
{
    public string Method { get; init; } = CoverageQueries.ParticipationMethod;
    public IReadOnlyDictionary<string, string> Definitions { get; init; } = new Dictionary<string, string>();
}
