using System.Globalization;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>Whose statement: a school's fund, a provider's earnings, a district's money flow.</summary>
public enum StatementParty { School, Provider, District }

/// <summary>One account over the month: balance at its start, debits and credits in it, balance at its end (debit positive).</summary>
public sealed record StatementLine(string Account, string AccountKind, long OpeningFen, long DebitFen, long CreditFen, long ClosingFen);

/// <summary>
/// The month's figures a reader wants first: <see cref="DeliveredFen"/> lessons settled (owed to providers), <see cref="PaidFen"/>
/// paid to providers, <see cref="OutstandingFen"/> still owed to providers at the month's end, and the quotes' split of the
/// bookings confirmed in the month (net of cancellations): subsidy, family fees, waived, 代收费.
/// </summary>
public sealed record StatementSummary(
    long DeliveredFen, long PaidFen, long OutstandingFen, long SubsidyFen, long FamilyFeesFen, long WaivedFen, long ReceivedFen);

/// <summary>
/// Who an account of a statement belongs to, by name (null where the account names no such party): the district of a
/// <c>bureau-subsidy</c> account, the school of a school's accounts, and the provider and school of a <c>provider-payable</c> one.
/// </summary>
public sealed record AccountParties(string? District, string? School, string? Provider);

public sealed record Statement(
    StatementParty Party, string PartyId, string Month, DateTimeOffset From, DateTimeOffset Before, StatementSummary Summary,
    IReadOnlyList<StatementLine> Lines, long Entries);

/// <summary>
/// Monthly statements (对账单) and the ledger, scoped: a school sees its own, a provider its own, a district bureau its district's,
/// a city bureau its districts' (read only); the administrator none. Both read the store's sums (SumLedgerAsync), never every
/// entry, so a month of a district with a million entries stays fast (docs/benchmarks.md).
/// </summary>
public sealed class StatementQueries(IMarketplaceStore store)
{
    public const int MaxPage = 500;

    /// <summary>A month as "yyyy-MM" (Beijing): its first instant and the next month's.</summary>
    public static bool TryParseMonth(string? text, out (DateTimeOffset From, DateTimeOffset Before) month)
    {
        month = default;
        if (!DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) || !ChinaTime.Supports(first))
            return false;
        month = (ChinaTime.FromLocal(first, TimeOnly.MinValue), ChinaTime.FromLocal(first.AddMonths(1), TimeOnly.MinValue));
        return true;
    }

    public async Task<Statement> GetAsync(Caller caller, string? month, string? district, CancellationToken ct = default)
    {
        if (!TryParseMonth(month, out var range)) throw ValidationFailedException.For("month", "validation.month");
        var (party, partyId, scope) = Scope(caller, district);
        var opening = await store.SumLedgerAsync(scope with { Before = range.From }, ct);
        var moved = await store.SumLedgerAsync(scope with { From = range.From, Before = range.Before }, ct);
        bool Mine(string account) => party switch
        {
            StatementParty.Provider => account.StartsWith($"provider-payable:{caller.OrganizationId:N}:", StringComparison.Ordinal),
            _ => true,
        };
        var accounts = opening.Select(t => t.Account).Concat(moved.Select(t => t.Account)).Where(Mine).Distinct().Order(StringComparer.Ordinal);
        var lines = accounts.Select(a =>
        {
            var open = opening.Where(t => t.Account == a).Sum(t => t.NetFen);
            var debit = moved.Where(t => t.Account == a).Sum(t => t.DebitFen);
            var credit = moved.Where(t => t.Account == a).Sum(t => t.CreditFen);
            return new StatementLine(a, Accounts.KindOf(a), open, debit, credit, open + debit + credit);
        }).ToList();

        long Moved(string kind, LedgerKind? of = null, bool credits = false) => moved
            .Where(t => Mine(t.Account) && Accounts.KindOf(t.Account) == kind && (of is null || t.Kind == of))
            .Sum(t => credits ? -t.CreditFen : t.DebitFen);
        long Net(string kind, params LedgerKind[] kinds) => moved
            .Where(t => Mine(t.Account) && Accounts.KindOf(t.Account) == kind && kinds.Contains(t.Kind)).Sum(t => t.NetFen);
        var payable = lines.Where(l => l.AccountKind == "provider-payable").ToList();
        var summary = new StatementSummary(
            DeliveredFen: Moved("provider-payable", LedgerKind.Settlement, credits: true),
            PaidFen: Moved("provider-payable", LedgerKind.Payment),
            OutstandingFen: -payable.Sum(l => l.ClosingFen),
            SubsidyFen: Net("bureau-subsidy", LedgerKind.Commitment, LedgerKind.Cancellation),
            FamilyFeesFen: Net("family-receivable", LedgerKind.Commitment, LedgerKind.Cancellation),
            WaivedFen: Net("school-fund", LedgerKind.Commitment, LedgerKind.Cancellation),
            ReceivedFen: Moved("cash", LedgerKind.Receipt));
        return new Statement(party, partyId, month!, range.From, range.Before, summary, lines, moved.Where(t => Mine(t.Account)).Sum(t => t.Entries));
    }

    /// <summary>
    /// The parties of a statement's accounts by name, for readers (screens, exports) — the ids stay in <see cref="StatementLine.Account"/>.
    /// The statement was scoped when it was made, so naming what it holds shows nothing more; three reads for any number of lines.
    /// An id no longer found keeps its id as its name.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, AccountParties>> PartiesAsync(Statement statement, CancellationToken ct = default)
    {
        var ids = statement.Lines.Select(l => l.Account.Split(':')).ToList();
        var schoolIds = ids.Where(p => p[0] != "bureau-subsidy").Select(p => Id(p[^1])).OfType<Guid>().Distinct().ToArray(); // a school's accounts end with its id
        var providerIds = ids.Where(p => p[0] == "provider-payable" && p.Length == 3).Select(p => Id(p[1])).OfType<Guid>().Distinct().ToArray();
        var schools = (await store.FindManyAsync<Schools.School>(schoolIds, ct)).ToDictionary(x => x.Id, x => x.Name);
        var providers = (await store.FindManyAsync<Catalog.Provider>(providerIds, ct)).ToDictionary(x => x.Id, x => x.Name);
        var districts = statement.Lines.Any(l => l.AccountKind == "bureau-subsidy")
            ? (await store.ListDistrictsAsync(ct)).ToDictionary(d => d.Code, d => d.Name) : new Dictionary<string, string>();
        string? Name(IReadOnlyDictionary<Guid, string> names, string part) => Id(part) is { } id ? names.GetValueOrDefault(id, part) : part;
        return statement.Lines.Select(l => l.Account).Distinct().ToDictionary(a => a, a =>
        {
            var parts = a.Split(':');
            return parts switch
            {
                ["bureau-subsidy", var code] => new AccountParties(districts.GetValueOrDefault(code, code), null, null),
                ["provider-payable", var provider, var school] => new AccountParties(null, Name(schools, school), Name(providers, provider)),
                [_, var school] => new AccountParties(null, Name(schools, school), null),
                _ => new AccountParties(null, null, null),
            };
        });

        static Guid? Id(string part) => Guid.TryParseExact(part, "N", out var id) ? id : null;
    }

    /// <summary>One page of the caller's ledger transactions in posting order, optionally within [from, before); <paramref name="afterId"/>: the previous page's last.</summary>
    public async Task<IReadOnlyList<LedgerTransaction>> ListAsync(
        Caller caller, string? district, DateTimeOffset? from, DateTimeOffset? before, int limit, Guid? afterId, CancellationToken ct = default)
    {
        var (_, _, scope) = Scope(caller, district);
        LedgerKey? after = null;
        if (afterId is { } id)
            after = await store.FindAsync<LedgerTransaction>(id, ct) is { } last ? new LedgerKey(last.PostedAt, last.Id) : throw ValidationFailedException.For("after", "validation.cursor");
        return await store.ListLedgerAsync(scope with { From = from, Before = before, Limit = Math.Clamp(limit, 1, MaxPage + 1), After = after }, ct);
    }

    /// <summary>The caller's payments, newest first: a school its own, a provider its own, a bureau its districts'.</summary>
    public Task<IReadOnlyList<Payment>> ListPaymentsAsync(Caller caller, CancellationToken ct = default)
    {
        var filter = caller.Role switch
        {
            Role.School => new PaymentFilter(SchoolId: caller.OrganizationId, Limit: 200),
            Role.Provider => new PaymentFilter(ProviderId: caller.OrganizationId, Limit: 200),
            Role.Bureau or Role.CityBureau => new PaymentFilter(Districts: caller.Districts, Limit: 200),
            _ => throw new ForbiddenException("forbidden.ledger"),
        };
        return store.ListPaymentsAsync(filter, ct);
    }

    private static (StatementParty Party, string Id, LedgerFilter Filter) Scope(Caller caller, string? district)
    {
        switch (caller.Role)
        {
            case Role.School when district is null:
                return (StatementParty.School, caller.OrganizationId.ToString(), new LedgerFilter(SchoolId: caller.OrganizationId));
            case Role.Provider when district is null:
                return (StatementParty.Provider, caller.OrganizationId.ToString(), new LedgerFilter(ProviderId: caller.OrganizationId));
            case Role.Bureau or Role.CityBureau:
                if (district is not null && !caller.Oversees(district)) throw new ForbiddenException("forbidden.ledger-district", district);
                IReadOnlyCollection<string> districts = district is null ? caller.Districts : [district];
                return (StatementParty.District, string.Join(",", districts), new LedgerFilter(Districts: districts));
            case Role.School or Role.Provider:
                throw ValidationFailedException.For("district", "ledger.district-bureau-only");
            default:
                throw new ForbiddenException("forbidden.ledger");
        }
    }
}
