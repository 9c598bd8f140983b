using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Reports;

/// <summary>
/// The coverage report (issue 16) from the store's own records: a district bureau reads its district, a city bureau its districts with
/// each district apart; nobody else reads it. Bookings are counted and rolled up by the store (<see cref="IMarketplaceStore.RollUpBookingsAsync"/>,
/// one call per semester: per provider and per school and programme), money summed by the ledger (<see cref="IMarketplaceStore.SumLedgerAsync"/>):
/// a city of a million bookings reads rows by the ten thousand, never bookings. Every definition is in docs/monitoring.md.
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
        var providerIds = current.Bookings.Providers.Concat(before.Bookings.Providers).Select(t => t.ProviderId).Distinct().ToArray();
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

    /// <summary>What the store holds of one semester, per district: bookings rolled up, ledger sums, whether a policy was in force.</summary>
    private sealed record Facts(string Semester, BookingRollup Bookings, IReadOnlyDictionary<string, IReadOnlyList<LedgerTotal>> Ledger,
        IReadOnlyDictionary<string, bool> Policy)
    {
        /// <summary>Distinct present pupils per school measured by roll call this semester (schools without a roll are absent).</summary>
        public IReadOnlyDictionary<Guid, long> Present { get; init; } = new Dictionary<Guid, long>();

        private ILookup<string, ProviderRollup>? _providers;
        private ILookup<string, SchoolRollup>? _schools;

        public Facts For(IReadOnlyCollection<string> districts) => new(Semester,
            districts.Count == Policy.Count && districts.All(Policy.ContainsKey) ? Bookings
                : new BookingRollup(districts.SelectMany(d => (_providers ??= Bookings.Providers.ToLookup(t => t.District))[d]).ToList(),
                    districts.SelectMany(d => (_schools ??= Bookings.Schools.ToLookup(t => t.District))[d]).ToList()),
            Ledger.Where(l => districts.Contains(l.Key)).ToDictionary(l => l.Key, l => l.Value),
            Policy.Where(p => districts.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value)) { Present = Present };
    }

    private async Task<Facts> FactsAsync(IReadOnlyList<string> districts, Semester semester, DateTimeOffset now, CancellationToken ct)
    {
        var bookings = await store.RollUpBookingsAsync(new BookingTallyFilter(districts, semester.Start, semester.End, now - OverdueAfter), ct);
        var ledger = new Dictionary<string, IReadOnlyList<LedgerTotal>>();
        foreach (var d in districts)
            ledger[d] = await store.SumLedgerAsync(new LedgerFilter(Districts: [d], From: semester.Start, Before: semester.End), ct);
        // In force at the report's moment within the semester: now, or the semester's last instant once it is over (its first before it starts).
        var at = now < semester.Start ? semester.Start : now >= semester.End ? semester.End.AddTicks(-1) : now;
        var policies = (await store.FindManyAsync<FundingPolicy>(districts.Select(d => FundingPolicy.IdOf(d, semester.Name)).ToArray(), ct))
            .ToDictionary(p => p.DistrictCode);
        var inForce = districts.ToDictionary(d => d, d => policies.TryGetValue(d, out var p) && p.Semester == semester.Name && p.InForce(at) is not null);
        var present = await store.CountPresentPupilsAsync(districts, semester.Start, semester.End, ct);
        return new Facts(semester.Name, bookings, ledger, inForce) { Present = present.ToDictionary(p => p.SchoolId, p => p.Pupils) };
    }

    /// <summary>Per provider over all the scope's rows: bookings, cancelled, completed, completed with nobody attending, overdue.</summary>
    private sealed class ProviderCounts
    {
        public long Bookings, Cancelled, Completed, CompletedNone, Overdue;
    }

    /// <summary>
    /// The figures of one scope in one pass over each of its rollups: each provider's counts for its rates and deliveries per mode and
    /// provider kind (delivered: <see cref="BookingRollup.IsDelivered"/>, less those that recorded nobody), then schools per category
    /// group and the largest delivered group per school and grade band.
    /// </summary>
    private static CoverageFigures Figures(Facts facts, IReadOnlyList<School> schools, IReadOnlyDictionary<Guid, Provider> providers)
    {
        long onCampus = 0, offCampus = 0, both = 0, unknown = 0;
        var kindCounts = new Dictionary<ProviderKind, long>();
        var perProvider = new Dictionary<Guid, ProviderCounts>();
        foreach (var t in facts.Bookings.Providers)
        {
            if (!perProvider.TryGetValue(t.ProviderId, out var counts)) perProvider[t.ProviderId] = counts = new ProviderCounts();
            counts.Bookings += t.Bookings;
            counts.Overdue += t.Overdue;
            if (t.Status == BookingStatus.Cancelled) counts.Cancelled += t.Bookings;
            if (t.Status == BookingStatus.Completed) (counts.Completed, counts.CompletedNone) = (counts.Completed + t.Bookings, counts.CompletedNone + t.NoneAttended);

            var delivered = t.Delivered ? t.Bookings - t.NoneAttended : 0;
            if (delivered <= 0) continue;
            switch (t.Mode)
            {
                case DeliveryMode.OnCampus: onCampus += delivered; break;
                case DeliveryMode.OffCampus: offCampus += delivered; break;
                case DeliveryMode.Both: both += delivered; break;
                default: unknown += delivered; break;
            }
            if (providers.TryGetValue(t.ProviderId, out var provider)) kindCounts[provider.Kind] = kindCounts.GetValueOrDefault(provider.Kind) + delivered;
        }

        var inScope = schools.Select(s => s.Id).ToHashSet();
        var schoolsByGroup = CategoryGroups.All.Select(_ => new HashSet<Guid>()).ToArray();
        var largest = new Dictionary<(Guid SchoolId, int Band), long>();
        foreach (var t in facts.Bookings.Schools)
        {
            if (t.Delivered <= 0) continue;
            if (t.Category is { } category && inScope.Contains(t.SchoolId)) schoolsByGroup[(int)CategoryGroups.Of(category)].Add(t.SchoolId);
            if (t.FirstGrade is { } grade)
            {
                var key = (t.SchoolId, BandOf(grade));
                largest[key] = Math.Max(largest.GetValueOrDefault(key), t.MaxAttended);
            }
        }

        var categories = CategoryGroups.All.Select(g => new CategoryCoverage(g, CategoryGroups.Code(g), new Share(schoolsByGroup[(int)g].Count, schools.Count))).ToList();
        // The estimate: per school and grade band, the largest group a delivery recorded, at most the band's enrolment; summed.
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

        var modes = new ModeMix(onCampus, offCampus, both, unknown);
        var kinds = kindCounts.OrderBy(k => k.Key).ToDictionary(k => k.Key, k => k.Value);
        var rates = perProvider.Select(p =>
        {
            var provider = providers.GetValueOrDefault(p.Key);
            var c = p.Value;
            return new ProviderRates(p.Key, provider?.Name ?? "", provider?.Kind,
                new Share(c.Cancelled, c.Bookings), new Share(c.CompletedNone + c.Overdue, c.Completed + c.Overdue));
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
