using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests.Settlement;

/// <summary>Bookings carrying a fixed quote, and ledger folds the settlement tests share.</summary>
internal static class SettlementFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 9, 1, 7, 40, 0, TimeSpan.Zero);
    public const string DistrictCode = "110101";

    /// <summary>A booking of <paramref name="pupils"/> on a session starting at <paramref name="startsAt"/>, requested with <paramref name="quote"/> fixed.</summary>
    public static Booking BookingWithQuote(
        Guid schoolId, Guid providerId, int pupils, Quote quote, DateTimeOffset startsAt, int[]? grades = null, DateTimeOffset? now = null)
    {
        var snapshot = new BookingSnapshot("研学：自然博物馆", "东城区青少年科技馆", "东城区第一实验小学", "东城区 1 号", "东城区", DeliveryMode.OnCampus, null,
            startsAt.AddMinutes(80));
        return Booking.Request(new BookingRequestFacts(Ids.New(), Ids.New(), providerId, schoolId, DistrictCode, pupils, grades ?? [3, 4],
            "李老师", "13900001111", null, quote.UnitPriceFen, startsAt, 24, TimeSpan.FromHours(48), snapshot) { Quote = quote }, now ?? Now, "School:school1");
    }

    /// <summary>A booking requested without a quote (as before the split, or by a caller that sets none): price × pupils.</summary>
    public static Booking BookingWithoutQuote(Guid schoolId, Guid providerId, int pupils, long unitPriceFen, DateTimeOffset startsAt, int[]? grades = null)
    {
        var snapshot = new BookingSnapshot("研学：自然博物馆", "东城区青少年科技馆", "东城区第一实验小学", "东城区 1 号", "东城区", DeliveryMode.OnCampus, null,
            startsAt.AddMinutes(80));
        return Booking.Request(new BookingRequestFacts(Ids.New(), Ids.New(), providerId, schoolId, DistrictCode, pupils, grades ?? [3, 4],
            "李老师", "13900001111", null, unitPriceFen, startsAt, 24, TimeSpan.FromHours(48), snapshot), Now, "School:school1");
    }

    public static BookingParties PartiesOf(Booking b) => new(b.Id, b.SchoolId, b.ProviderId, b.DistrictCode, b.Pupils);

    /// <summary>Balances folded transaction by transaction (each transaction applied to a running map).</summary>
    public static Dictionary<string, long> FoldPerTransaction(IEnumerable<LedgerTransaction> ledger)
    {
        var balances = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var tx in ledger)
            foreach (var e in tx.Entries)
                balances[e.Account] = balances.GetValueOrDefault(e.Account) + e.AmountFen;
        return balances;
    }

    /// <summary>Balances folded account by account (all entries grouped by account, then summed).</summary>
    public static Dictionary<string, long> FoldPerAccount(IEnumerable<LedgerTransaction> ledger) =>
        ledger.SelectMany(t => t.Entries).GroupBy(e => e.Account, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Aggregate(0L, (sum, e) => checked(sum + e.AmountFen)), StringComparer.Ordinal);

    /// <summary>The amount a transaction puts on one account (0 when it has no line there).</summary>
    public static long On(this LedgerTransaction tx, string account) => tx.Entries.Where(e => e.Account == account).Sum(e => e.AmountFen);
}
