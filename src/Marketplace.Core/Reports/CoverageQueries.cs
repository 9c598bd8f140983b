using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Reports;

/// <summary>
/// The coverage report (issue 16) from the store's own records: a district bureau reads its district, a city bureau its districts with
/// each district apart; nobody else reads it. Bookings are counted by the store (<see cref="IMarketplaceStore.TallyBookingsAsync"/>, one
/// call per semester), money summed by the ledger (<see cref="IMarketplaceStore.SumLedgerAsync"/>): a city of a million
/// bookings reads groups, never bookings. Every definition is in docs/monitoring.md.
/// </summary>
public sealed class CoverageQueries(IMarketplaceStore store, TimeProvider clock)
{
    /// <summary>A Confirmed booking whose session started this long ago without a recorded delivery counts as a no-show.</summary>
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromDays(7);

    public const string ParticipationMethod = "largest-delivered-group-per-grade-band";

    /// <summary>The method when some schools are measured by roll call (issue 18): their distinct present pupils, the estimate for the rest.</summary>
    public const string ParticipationMethodWithRollCall = "roll-call-distinct-present-pupils+largest-delivered-group-per-grade-band";

    /// <summary>学段 bands of the estimate: 1–2, 3–4, 5–6, 7–9; a booking belongs to the band of its lowest grade.</summary>
    public static int BandOf(int grade) => grade switch { <= 2 => 1, <= 4 => 2, <= 6 => 3, _ => 4 };

    public async Task<CoverageReport> GetAsync(Caller caller, string? semesterName, string? district, CancellationToken ct = default)
    {
        if (caller.Role is not (Role.Bureau or Role.CityBureau)) throw new ForbiddenException("forbidden.report");
        if (district is not null && !caller.Oversees(district)) throw new ForbiddenException("forbidden.report-district", district);
        var now = clock.GetUtcNow();
        var semester = Semester.Of(now);
        if (semesterName is not null && !Semester.TryParse(semesterName, out semester))
            throw ValidationFailedException.For("semester", "validation.semester");
        var previous = semester.Term == 1 ? new Semester(semester.StartYear - 1, 2) : new Semester(semester.StartYear, 1);
        IReadOnlyList<string> districts = district is null ? caller.Districts.Distinct().Order(StringComparer.Ordinal).ToArray() : [district];

        var schools = await SchoolsAsync(districts, ct);
        var names = (await store.ListDistrictsAsync(ct)).ToDictionary(d => d.Code, d => d.Name);
        // The two semesters side by side: the embedded store answers on the calling thread, so each gets its own.
        var facts = await Task.WhenAll(new[] { semester, previous }.Select(s => Task.Run(() => FactsAsync(districts, s, now, ct), ct)));
        var (current, before) = (facts[0], facts[1]);
        var providerIds = current.Tallies.Concat(before.Tallies).Select(t => t.ProviderId).Distinct().ToArray();
        var providers = (await store.FindManyAsync<Provider>(providerIds, ct)).ToDictionary(p => p.Id);

        CoverageScope Scope(string code, string name, IReadOnlyCollection<string> of)
        {
            var now1 = Figures(current.For(of), schools.Where(s => of.Contains(s.DistrictCode)).ToList(), providers);
            var prev = Figures(before.For(of), schools.Where(s => of.Contains(s.DistrictCode)).ToList(), providers);
            return new CoverageScope(code, name, now1, prev, TrendOf(now1, prev));
        }

        var total = Scope(districts.Count == 1 ? districts[0] : "all", districts.Count == 1 ? names.GetValueOrDefault(districts[0], districts[0]) : "", districts);
        var byDistrict = districts.Count == 1 ? [] : districts.Select(d => Scope(d, names.GetValueOrDefault(d, d), [d])).ToList();
        return new CoverageReport(semester.Name, previous.Name, now, districts, total, byDistrict);
    }

    private async Task<List<School>> SchoolsAsync(IReadOnlyList<string> districts, CancellationToken ct)
    {
        var all = new List<School>();
        for (Guid? after = null; ;)
        {
            var page = await store.ListSchoolsAsync(new SchoolFilter(districts, Limit: 500, After: after), ct);
            all.AddRange(page);
            if (page.Count < 500) return all;
            after = page[^1].Id;
        }
    }

    /// <summary>What the store holds of one semester, per district: booking tallies, ledger sums, whether a policy was in force.</summary>
    private sealed record Facts(string Semester, IReadOnlyList<BookingTally> Tallies, IReadOnlyDictionary<string, IReadOnlyList<LedgerTotal>> Ledger,
        IReadOnlyDictionary<string, bool> Policy)
    {
        /// <summary>Distinct present pupils per school measured by roll call this semester (schools without a roll are absent).</summary>
        public IReadOnlyDictionary<Guid, long> Present { get; init; } = new Dictionary<Guid, long>();

        private readonly ILookup<string, BookingTally> _byDistrict = Tallies.ToLookup(t => t.District);

        public Facts For(IReadOnlyCollection<string> districts) => new(Semester,
            districts.Count == Policy.Count && districts.All(Policy.ContainsKey) ? Tallies : districts.SelectMany(d => _byDistrict[d]).ToList(),
            Ledger.Where(l => districts.Contains(l.Key)).ToDictionary(l => l.Key, l => l.Value),
            Policy.Where(p => districts.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value)) { Present = Present };
    }

    private async Task<Facts> FactsAsync(IReadOnlyList<string> districts, Semester semester, DateTimeOffset now, CancellationToken ct)
    {
        var tallies = await store.TallyBookingsAsync(new BookingTallyFilter(districts, semester.Start, semester.End, now - OverdueAfter), ct);
        var ledger = new Dictionary<string, IReadOnlyList<LedgerTotal>>();
        foreach (var d in districts)
            ledger[d] = await store.SumLedgerAsync(new LedgerFilter(Districts: [d], From: semester.Start, Before: semester.End), ct);
        // In force at the report's moment within the semester: now, or the semester's last instant once it is over (its first before it starts).
        var at = now < semester.Start ? semester.Start : now >= semester.End ? semester.End.AddTicks(-1) : now;
        var policies = (await store.FindManyAsync<FundingPolicy>(districts.Select(d => FundingPolicy.IdOf(d, semester.Name)).ToArray(), ct))
            .ToDictionary(p => p.DistrictCode);
        var inForce = districts.ToDictionary(d => d, d => policies.TryGetValue(d, out var p) && p.Semester == semester.Name && p.InForce(at) is not null);
        var present = await store.CountPresentPupilsAsync(districts, semester.Start, semester.End, ct);
        return new Facts(semester.Name, tallies, ledger, inForce) { Present = present.ToDictionary(p => p.SchoolId, p => p.Pupils) };
    }

    /// <summary>Delivered: completed with a delivery recorded, confirmed or resolved (not one under dispute), at least one pupil attending.</summary>
    private static bool Delivered(BookingTally t) =>
        t.Status == BookingStatus.Completed && t.Delivery is DeliveryStatus.Recorded or DeliveryStatus.Confirmed or DeliveryStatus.Resolved;

    private static long DeliveredCount(BookingTally t) => Delivered(t) ? t.Bookings - t.NoneAttended : 0;

    private static CoverageFigures Figures(Facts facts, IReadOnlyList<School> schools, IReadOnlyDictionary<Guid, Provider> providers)
    {
        var delivered = facts.Tallies.Where(t => DeliveredCount(t) > 0).ToList();
        var inScope = schools.Select(s => s.Id).ToHashSet();
        var categories = CategoryGroups.All.Select(g => new CategoryCoverage(g, CategoryGroups.Code(g), new Share(
            delivered.Where(t => t.Category is { } c && CategoryGroups.Of(c) == g && inScope.Contains(t.SchoolId)).Select(t => t.SchoolId).Distinct().LongCount(),
            schools.Count))).ToList();

        // The estimate: per school and grade band, the largest group a delivery recorded, at most the band's enrolment; summed.
        var largest = delivered.Where(t => t.FirstGrade is not null)
            .GroupBy(t => (t.SchoolId, Band: BandOf(t.FirstGrade!.Value))).ToDictionary(g => g.Key, g => (long)g.Max(t => t.MaxAttended));
        // Exact where the school's sessions have roll calls: its distinct present pupils; the estimate for the others.
        long pupils = 0;
        var byRoll = 0;
        foreach (var school in schools)
        {
            if (facts.Present.TryGetValue(school.Id, out var present))
            {
                pupils += present;
                byRoll++;
                continue;
            }
            for (var band = 1; band <= 4; band++)
                if (largest.TryGetValue((school.Id, band), out var most))
                    pupils += Math.Min(most, school.EnrolmentByGrade.Where(e => BandOf(e.Key) == band).Sum(e => (long)e.Value));
        }
        var enrolment = schools.Sum(s => s.EnrolmentByGrade.Values.Sum(v => (long)v));
        var participation = new Participation(pupils, enrolment, new Share(pupils, enrolment).Ratio,
            byRoll == 0 ? ParticipationMethod : ParticipationMethodWithRollCall) { SchoolsByRollCall = byRoll };

        var modes = new ModeMix(
            delivered.Where(t => t.Mode == DeliveryMode.OnCampus).Sum(DeliveredCount), delivered.Where(t => t.Mode == DeliveryMode.OffCampus).Sum(DeliveredCount),
            delivered.Where(t => t.Mode == DeliveryMode.Both).Sum(DeliveredCount), delivered.Where(t => t.Mode is null).Sum(DeliveredCount));
        var kinds = delivered.GroupBy(t => providers.TryGetValue(t.ProviderId, out var p) ? p.Kind : (ProviderKind?)null)
            .Where(g => g.Key is not null).OrderBy(g => g.Key).ToDictionary(g => g.Key!.Value, g => g.Sum(DeliveredCount));

        var rates = facts.Tallies.GroupBy(t => t.ProviderId).Select(g =>
        {
            var provider = providers.GetValueOrDefault(g.Key);
            var completed = g.Where(t => t.Status == BookingStatus.Completed).ToList();
            var due = completed.Sum(t => t.Bookings) + g.Sum(t => t.Overdue);
            var noShows = completed.Sum(t => t.NoneAttended) + g.Sum(t => t.Overdue);
            return new ProviderRates(g.Key, provider?.Name ?? "", provider?.Kind,
                new Share(g.Where(t => t.Status == BookingStatus.Cancelled).Sum(t => t.Bookings), g.Sum(t => t.Bookings)), new Share(noShows, due));
        }).OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.ProviderId).ToList();

        return new CoverageFigures(facts.Semester, schools.Count, categories, participation,
            new Share(facts.Policy.Count(p => p.Value), facts.Policy.Count), SpendingOf(facts.Ledger.Values.SelectMany(l => l)), modes, kinds, rates);
    }

    /// <summary>Net of the booking money flow (commitment, settlement, cancellation, reversal) per account kind; receipts and payments move cash only.</summary>
    private static Spending SpendingOf(IEnumerable<LedgerTotal> totals)
    {
        var flow = totals.Where(t => t.Kind is LedgerKind.Commitment or LedgerKind.Settlement or LedgerKind.Cancellation or LedgerKind.Reversal).ToList();
        long Net(string kind) => flow.Where(t => Accounts.KindOf(t.Account) == kind).Sum(t => t.NetFen);
        return new Spending(Net("bureau-subsidy"), Net("family-receivable"), Net("school-fund"), -Net("provider-payable"), -Net("collected-payable"), -Net("clearing"));
    }

    /// <summary>Every figure as (metric, value), in the order the exports list them.</summary>
    public static IEnumerable<(string Metric, decimal Value)> Metrics(CoverageFigures f)
    {
        yield return ("schools", f.Schools);
        foreach (var c in f.Categories)
        {
            yield return ($"category.{c.Code}.schools", c.Schools.Count);
            yield return ($"category.{c.Code}.share", c.Schools.Ratio);
        }
        yield return ("participation.enrolment", f.Participation.Enrolment);
        yield return ("participation.pupils", f.Participation.PupilsEstimated);
        yield return ("participation.share", f.Participation.Ratio);
        yield return ("policy.districts", f.PolicyInForce.Count);
        yield return ("policy.share", f.PolicyInForce.Ratio);
        yield return ("spending.subsidy-fen", f.Spending.SubsidyFen);
        yield return ("spending.families-fen", f.Spending.FamiliesFen);
        yield return ("spending.school-fund-fen", f.Spending.SchoolFundFen);
        yield return ("spending.providers-fen", f.Spending.ProvidersFen);
        yield return ("spending.collected-fees-fen", f.Spending.CollectedFeesFen);
        yield return ("spending.held-fen", f.Spending.HeldFen);
        yield return ("mode.on-campus", f.Modes.OnCampus);
        yield return ("mode.off-campus", f.Modes.OffCampus);
        yield return ("mode.both", f.Modes.Both);
        yield return ("mode.on-campus.share", new Share(f.Modes.OnCampus, f.Modes.Total).Ratio);
        yield return ("mode.off-campus.share", new Share(f.Modes.OffCampus, f.Modes.Total).Ratio);
        foreach (var kind in Enum.GetValues<ProviderKind>())
            yield return ($"provider-kind.{kind}", f.ProviderKinds.GetValueOrDefault(kind));
        foreach (var p in f.Providers)
        {
            yield return ($"provider.{p.ProviderId}.cancellation-rate", p.Cancelled.Ratio);
            yield return ($"provider.{p.ProviderId}.no-show-rate", p.NoShows.Ratio);
        }
    }

    /// <summary>Each metric of either semester (a provider active in only one has 0 in the other).</summary>
    public static IReadOnlyList<Trend> TrendOf(CoverageFigures current, CoverageFigures previous)
    {
        var before = Metrics(previous).ToDictionary(m => m.Metric, m => m.Value);
        var now = Metrics(current).ToList();
        var values = now.ToDictionary(m => m.Metric, m => m.Value);
        var keys = now.Select(m => m.Metric).Concat(before.Keys.Where(k => !values.ContainsKey(k))).ToList();
        return keys.Select(k => new Trend(k, values.GetValueOrDefault(k), before.GetValueOrDefault(k), values.GetValueOrDefault(k) - before.GetValueOrDefault(k))).ToList();
    }
}
