using System.Diagnostics;
using System.Globalization;
using Marketplace.Benchmarks.Infrastructure;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Marketplace.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Benchmarks.Ledger;

/// <summary>
/// Statements at scale (issue 15): fills a fresh SQLite store, through the store port's CommitAsync, with balanced 4-entry
/// transactions of many districts, schools and providers over twelve months, then times one district's month: the statement
/// (SumLedgerAsync) and reading every transaction of it in pages of 500 (ListLedgerAsync), and, for scale, one school's and
/// one provider's month. Checks that the pages' entries add up to the statement and that the trial balance is zero.
/// </summary>
internal static class LedgerBenchmark
{
    private static readonly DateTimeOffset Start = new(2025, 9, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<int> RunAsync(Options options)
    {
        var transactions = Math.Max(1, options.Int("transactions", 250_000));
        var districts = Math.Clamp(options.Int("districts", 12), 1, 99);
        var schools = Math.Max(districts, options.Int("schools", 300));
        var providers = Math.Max(1, options.Int("providers", 60));
        var months = Math.Clamp(options.Int("months", 12), 1, 120);
        var batch = Math.Max(1, options.Int("batch", 2000));
        var rounds = Math.Max(2, options.Int("rounds", 20));
        using var temp = new TempFolder(options, "ledger");
        var database = temp.Sub("marketplace.db");

        await using var services = new ServiceCollection().AddSqliteStore(o => o.DatabasePath = database).BuildServiceProvider();
        var store = services.GetRequiredService<IMarketplaceStore>();
        await store.InitializeAsync();

        var world = new World(districts, schools, providers, months);
        var fillCpu = CpuWindow.Start();
        var fill = Stopwatch.StartNew();
        var random = new Random(15);
        var changes = new StoreChanges();
        var entries = 0L;
        for (var n = 0; n < transactions; n++)
        {
            var posted = world.Posting(random, n, transactions);
            entries += posted.Entries.Count;
            changes.Insert(posted);
            if (changes.Writes.Count < batch && n < transactions - 1) continue;
            await store.CommitAsync(changes);
            changes = new StoreChanges();
        }
        fill.Stop();
        var fillWindow = fillCpu.Stop();
        var size = MachineFacts.Mb(MachineFacts.FolderBytes(temp.Path));
        Console.WriteLine(Invariant(
            $"fill: {transactions:N0} transactions, {entries:N0} entries in {fill.Elapsed.TotalSeconds:F1} s ({transactions / fill.Elapsed.TotalSeconds:N0} tx/s, {batch} per commit); file {size}"));
        Console.WriteLine("  fill's " + fillWindow.Replace("host 0.00; benchmark client", "this process (store in-process)", StringComparison.Ordinal));

        // A month in the middle of the year, of the first district; a school and a provider of that district.
        var month = Start.AddMonths(months / 2);
        var district = world.District(0);
        var statement = new LedgerFilter([district], From: month, Before: month.AddMonths(1));
        var failures = new List<string>();
        var (sums, pages) = (new Latencies(), new Latencies());
        var (schoolSums, providerSums, useCase) = (new Latencies(), new Latencies(), new Latencies());
        // The statement as a bureau officer gets it (GET /api/statements): the month's totals AND each account's opening balance,
        // which sums everything the district posted before the month.
        var statements = new StatementQueries(store);
        var officer = new Caller(Guid.NewGuid(), "bench-bureau", Role.Bureau, Guid.NewGuid(), [district]);
        var monthName = ChinaTime.DateOf(month).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var (first, read) = (0.0, 0);
        var queryCpu = CpuWindow.Start();
        for (var round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.GetTimestamp();
            var totals = await store.SumLedgerAsync(statement);
            var sumMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
            clock = Stopwatch.GetTimestamp();
            var listed = new List<LedgerTransaction>();
            for (var filter = statement; ;)
            {
                var page = await store.ListLedgerAsync(filter);
                listed.AddRange(page);
                if (page.Count < filter.Limit) break;
                filter = filter with { After = new LedgerKey(page[^1].PostedAt, page[^1].Id) };
            }
            var pageMs = Stopwatch.GetElapsedTime(clock).TotalMilliseconds;
            if (round == 0)
            {
                first = sumMs;
                read = listed.Count;
                Check(totals, listed, failures);
                continue; // the first round pays for a cold statement cache: reported apart
            }
            sums.Add(sumMs);
            pages.Add(pageMs);
            clock = Stopwatch.GetTimestamp();
            await store.SumLedgerAsync(new LedgerFilter(SchoolId: world.School(round % (schools / districts) * districts), From: month, Before: month.AddMonths(1)));
            schoolSums.AddSince(clock);
            clock = Stopwatch.GetTimestamp();
            await store.SumLedgerAsync(new LedgerFilter(ProviderId: world.Provider(round % providers), From: month, Before: month.AddMonths(1)));
            providerSums.AddSince(clock);
            clock = Stopwatch.GetTimestamp();
            var full = await statements.GetAsync(officer, monthName, district);
            useCase.AddSince(clock);
            if (full.Lines.Count == 0) failures.Add("the bureau's statement has no lines");
        }
        var queryWindow = queryCpu.Stop();
        var everything = await store.SumLedgerAsync(new LedgerFilter());
        if (everything.Sum(t => t.NetFen) != 0) failures.Add("the trial balance over every account is not zero");
        if (everything.Sum(t => t.Entries) != entries) failures.Add($"the store sums {everything.Sum(t => t.Entries)} entries, {entries} were posted");

        Console.WriteLine(Invariant($"district {district}, month {month:yyyy-MM}: {read:N0} transactions, {read * 4:N0} entries; first statement {first:F1} ms"));
        Console.WriteLine("  statement (SumLedgerAsync)         " + sums.Summary());
        Console.WriteLine("  all its pages of 500 (ListLedger)  " + pages.Summary());
        Console.WriteLine("  one school's month statement       " + schoolSums.Summary());
        Console.WriteLine("  one provider's month statement     " + providerSums.Summary());
        Console.WriteLine("  bureau's statement use case (with opening balances) " + useCase.Summary());
        Console.WriteLine("  queries' " + queryWindow.Replace("host 0.00; benchmark client", "this process (store in-process)", StringComparison.Ordinal));
        foreach (var failure in failures) Console.WriteLine("FAILED: " + failure);
        return failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The statement equals the listed transactions' entries, summed per account and kind, debits and credits apart.</summary>
    private static void Check(IReadOnlyList<LedgerTotal> totals, List<LedgerTransaction> listed, List<string> failures)
    {
        var expected = listed.SelectMany(t => t.Entries.Select(e => (t.Kind, e))).GroupBy(x => (x.e.Account, x.Kind))
            .ToDictionary(g => g.Key, g => (g.Where(x => x.e.AmountFen > 0).Sum(x => x.e.AmountFen), g.Where(x => x.e.AmountFen < 0).Sum(x => x.e.AmountFen), (long)g.Count()));
        var actual = totals.ToDictionary(t => (t.Account, t.Kind), t => (t.DebitFen, t.CreditFen, t.Entries));
        if (expected.Count != actual.Count || expected.Any(e => !actual.TryGetValue(e.Key, out var a) || a != e.Value))
            failures.Add("the statement differs from the sum of its listed transactions");
        if (totals.Sum(t => t.NetFen) != 0) failures.Add("the statement's trial balance is not zero");
        if (listed.Zip(listed.Skip(1)).Any(p => p.First.PostedAt > p.Second.PostedAt)) failures.Add("pages are not in posting order");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>Districts 110101…, each school in one district (school i in district i mod D), providers serving any of them.</summary>
    private sealed class World(int districts, int schools, int providers, int months)
    {
        private readonly Guid[] _schools = [.. Enumerable.Range(0, schools).Select(i => Id(1, i))];
        private readonly Guid[] _providers = [.. Enumerable.Range(0, providers).Select(i => Id(2, i))];
        private readonly long _span = (Start.AddMonths(months) - Start).Ticks;

        public string District(int i) => (110101 + i).ToString(CultureInfo.InvariantCulture);

        public Guid School(int i) => _schools[i];

        public Guid Provider(int i) => _providers[i];

        /// <summary>
        /// A booking's commitment or its settlement, 4 entries either way. Posted as the ledger is in use, in time order (each at
        /// "now"): transaction n of <paramref name="count"/> at its share of the year, plus up to a minute of jitter, in ms.
        /// </summary>
        public LedgerTransaction Posting(Random random, int n, int count)
        {
            var s = random.Next(schools);
            var (school, provider, district) = (_schools[s], _providers[random.Next(providers)], District(s % districts));
            var at = Start.AddTicks((long)(_span * (n / (double)count)) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond).AddMilliseconds(random.Next(60_000));
            var pupils = random.Next(10, 41);
            var (subsidy, family, waived) = (pupils * 600L, (pupils - 2) * 600L, 2 * 600L);
            if (n % 2 == 0)
                return LedgerTransaction.Post($"commitment:{n}", LedgerKind.Commitment, at, district,
                [
                    new(Accounts.BureauSubsidy(district), subsidy), new(Accounts.FamilyReceivable(school), family),
                    new(Accounts.SchoolFund(school), waived), new(Accounts.Clearing(school), -(subsidy + family + waived)),
                ], "booking confirmed", school, provider);
            var absent = random.Next(1, 4);
            return LedgerTransaction.Post($"settlement:{n}", LedgerKind.Settlement, at, district,
            [
                new(Accounts.Clearing(school), pupils * 1_200L), new(Accounts.ProviderPayable(provider, school), -(pupils - absent) * 1_200L),
                new(Accounts.BureauSubsidy(district), -absent * 600L), new(Accounts.FamilyReceivable(school), -absent * 600L),
            ], $"delivered: {pupils - absent} of {pupils} attended", school, provider);
        }

        private static Guid Id(byte kind, int i)
        {
            var bytes = new byte[16];
            bytes[0] = kind;
            BitConverter.TryWriteBytes(bytes.AsSpan(4), i);
            return new Guid(bytes);
        }
    }
}
