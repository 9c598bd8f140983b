using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>
/// Settlement (issue 15): ledger transactions read back intact in posting order, page by page and by district, school, provider
/// and time; statements summed by the store equal the sum of the listed entries; a business key posts once; payments newest
/// first; the deliveries that silence confirms.
/// </summary>
public abstract partial class StoreContract
{
    private static readonly string[] LedgerDistricts = ["110101", "110102", "110105"];
    private static readonly DateTimeOffset LedgerStart = new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task Ledger_IsReadBackIntact_InPostingOrder_PagedAndFiltered()
    {
        await using var db = await CreateAsync();
        var random = new Random(1501);
        var (schools, providers) = (Parties(random, 3), Parties(random, 2));
        var posted = Enumerable.Range(0, 40).Select(n => RandomPosting(random, n, schools, providers, previous: null)).ToList();
        // Four more at one instant: among themselves in id order.
        posted.AddRange(Enumerable.Range(40, 4).Select(n => RandomPosting(random, n, schools, providers, previous: posted[7])));
        await CommitInBatchesAsync(db.Store, posted.OrderBy(_ => random.Next()).ToList(), 10);

        var mid = LedgerStart.AddDays(30);
        var filters = new LedgerFilter[]
        {
            new(), new(Districts: ["110101"]), new(Districts: ["110102", "110105"]), new(SchoolId: schools[0]), new(ProviderId: providers[1]),
            new(From: mid), new(Before: mid), new(From: posted[7].PostedAt, Before: posted[7].PostedAt.AddTicks(1)),
            new(Districts: ["110101", "110105"], From: LedgerStart.AddDays(10), Before: LedgerStart.AddDays(50)),
            new(SchoolId: schools[1], ProviderId: providers[0]), new(Districts: []), new(Districts: ["310104"]),
        };
        foreach (var filter in filters)
        {
            var expected = InPostingOrder(posted.Where(t => Matches(filter, t)));
            var all = await db.Store.ListLedgerAsync(filter);
            Assert.Equal(expected.Select(StoreJson.Serialize), all.Select(StoreJson.Serialize)); // entries and every field intact
            Assert.Equal(expected.Select(t => t.Id), await ReadLedgerAsync(db.Store, filter with { Limit = 3 }));
        }
        Assert.Equal(5, (await db.Store.ListLedgerAsync(new LedgerFilter(From: posted[7].PostedAt, Before: posted[7].PostedAt.AddTicks(1)))).Count);
        Assert.Equal(InPostingOrder(posted).Take(5).Select(t => t.Id), (await db.Store.ListLedgerAsync(new LedgerFilter(Limit: 5))).Select(t => t.Id));
        Assert.Equal(StoreJson.Serialize(posted[3]), StoreJson.Serialize(await db.Store.FindAsync<LedgerTransaction>(posted[3].Id)));
    }

    /// <summary>A few hundred seeded random transactions: every statement equals what its listed transactions' entries add up to.</summary>
    [SkippableFact]
    public async Task Ledger_Statements_EqualTheSumOfTheListedEntries_AndTheTrialBalanceIsZero()
    {
        await using var db = await CreateAsync();
        var random = new Random(15);
        var (schools, providers) = (Parties(random, 5), Parties(random, 4));
        var posted = new List<LedgerTransaction>();
        for (var n = 0; n < 300; n++) posted.Add(RandomPosting(random, n, schools, providers, previous: n > 0 && random.Next(8) == 0 ? posted[^1] : null));
        await CommitInBatchesAsync(db.Store, posted, 50);

        var october = (From: new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(8)), Before: new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        var filters = new LedgerFilter[]
        {
            new(), new(Districts: ["110102"]), new(Districts: LedgerDistricts[..2]), new(SchoolId: schools[2]), new(ProviderId: providers[3]),
            new(Districts: ["110105"], From: october.From, Before: october.Before), new(SchoolId: schools[0], From: october.From, Before: october.Before),
            new(ProviderId: providers[0], Before: october.From), new(From: october.Before), new(Districts: []),
        };
        foreach (var filter in filters)
        {
            var listed = await db.Store.FindManyAsync<LedgerTransaction>(await ReadLedgerAsync(db.Store, filter with { Limit = 37 }));
            Assert.Equal(posted.Count(t => Matches(filter, t)), listed.Count);
            var expected = Totals(listed);
            var totals = await db.Store.SumLedgerAsync(filter with { Limit = 1, After = new LedgerKey(LedgerStart.AddYears(5), Guid.Empty) }); // both ignored

            Assert.Equal(expected, totals.OrderBy(t => t.Account, StringComparer.Ordinal).ThenBy(t => t.Kind).ToList());
            Assert.Equal(0, totals.Sum(t => t.NetFen)); // whole transactions: the trial balance of any selection is zero
            Assert.All(totals, t => Assert.True(t.DebitFen >= 0 && t.CreditFen <= 0 && t.Entries > 0, $"{t}"));
        }
        var everything = await db.Store.SumLedgerAsync(new LedgerFilter());
        Assert.Equal(posted.Sum(t => t.Entries.Count), everything.Sum(t => t.Entries));
        Assert.Equal(posted.SelectMany(t => t.Entries).Where(e => e.AmountFen > 0).Sum(e => e.AmountFen), everything.Sum(t => t.DebitFen));
        Assert.Contains(everything, t => t.DebitFen > 0 && t.CreditFen < 0); // an account moved both ways within one kind: summed apart
    }

    [SkippableFact]
    public async Task Ledger_TheSameBusinessKeyTwice_IsADuplicate_AndTheCommitLeavesNothing()
    {
        await using var db = await CreateAsync();
        var school = Ids.New();
        var first = LedgerTransaction.Post("settlement:abc", LedgerKind.Settlement, Now, "110101",
            [new LedgerEntry(Accounts.Clearing(school), 36_000), new LedgerEntry(Accounts.Cash(school), -36_000)], "first", school);
        await db.Store.CommitAsync(new StoreChanges().Insert(first));
        var again = LedgerTransaction.Post("settlement:abc", LedgerKind.Settlement, Now.AddMinutes(5), "110101",
            [new LedgerEntry(Accounts.Clearing(school), 99), new LedgerEntry(Accounts.Cash(school), -99)], "retried", school);
        var other = LedgerTransaction.Post("payment:def", LedgerKind.Payment, Now.AddMinutes(5), "110101",
            [new LedgerEntry(Accounts.Cash(school), 700), new LedgerEntry(Accounts.FamilyReceivable(school), -700)], "other", school);
        var bystander = MongoSamples.Provider();

        var error = await Assert.ThrowsAsync<DuplicateException>(() => db.Store.CommitAsync(new StoreChanges().Insert(bystander).Insert(other).Insert(again)));

        Assert.Equal(LedgerTransaction.DuplicateField, error.Field);
        Assert.Equal("duplicate.ledger", error.Detail.Key);
        Assert.Null(await db.Store.FindAsync<Provider>(bystander.Id));
        Assert.Null(await db.Store.FindAsync<LedgerTransaction>(other.Id));
        Assert.Equal("first", (await db.Store.FindAsync<LedgerTransaction>(first.Id))!.Memo);
        Assert.Equal([first.Id], (await db.Store.ListLedgerAsync(new LedgerFilter(SchoolId: school))).Select(t => t.Id));
        Assert.Equal(Totals([first]), await db.Store.SumLedgerAsync(new LedgerFilter(SchoolId: school)));

        // Never edited or deleted: a mistake is corrected by a reversal, which posts once too.
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Store.CommitAsync(new StoreChanges().Update(first, 1)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Store.CommitAsync(new StoreChanges().Delete(first, 1)));
        await db.Store.CommitAsync(new StoreChanges().Insert(first.Reversal(Now.AddHours(1), "mistake")));
        var net = (await db.Store.SumLedgerAsync(new LedgerFilter(SchoolId: school))).GroupBy(t => t.Account).Select(g => g.Sum(t => t.NetFen));
        Assert.All(net, n => Assert.Equal(0, n));
        await Assert.ThrowsAsync<DuplicateException>(() => db.Store.CommitAsync(new StoreChanges().Insert(first.Reversal(Now.AddHours(2), "again"))));
    }

    [SkippableFact]
    public async Task Payments_AreListedNewestFirst_BySchoolProviderDistrictStateAndTime()
    {
        await using var db = await CreateAsync();
        var (schoolA, schoolB, providerA, providerB) = (Ids.New(), Ids.New(), Ids.New(), Ids.New());
        Payment Pay(Guid school, Guid provider, string district, int minutes) =>
            Payment.Start(Ids.New(), school, provider, district, 12_000 + minutes, "2026-09", "offline", $"key-{minutes}", Now.AddMinutes(minutes), "School:x");
        var payments = new[]
        {
            Pay(schoolA, providerA, "110101", 0), Pay(schoolA, providerB, "110101", 30), Pay(schoolB, providerA, "110102", 10),
            Pay(schoolB, providerB, "110102", 50), Pay(schoolA, providerA, "110101", 40), Pay(schoolB, providerA, "110105", 20),
        };
        payments[1].Apply(PaymentState.Succeeded, "银行流水 0001", null, Now.AddHours(1));
        payments[3].Apply(PaymentState.Succeeded, "银行流水 0002", null, Now.AddHours(1));
        var changes = new StoreChanges();
        foreach (var p in payments) changes.Insert(p);
        await db.Store.CommitAsync(changes);
        async Task<List<int>> List(PaymentFilter f) => [.. (await db.Store.ListPaymentsAsync(f)).Select(p => Array.FindIndex(payments, x => x.Id == p.Id))];

        Assert.Equal([3, 4, 1, 5, 2, 0], await List(new PaymentFilter()));
        Assert.Equal([4, 1, 0], await List(new PaymentFilter(SchoolId: schoolA)));
        Assert.Equal([4, 5, 2, 0], await List(new PaymentFilter(ProviderId: providerA)));
        Assert.Equal([4, 0], await List(new PaymentFilter(SchoolId: schoolA, ProviderId: providerA)));
        Assert.Equal([3, 5, 2], await List(new PaymentFilter(Districts: ["110102", "110105"])));
        Assert.Equal([3, 1], await List(new PaymentFilter(State: PaymentState.Succeeded)));
        Assert.Equal([5, 2], await List(new PaymentFilter(From: Now.AddMinutes(10), Before: Now.AddMinutes(30))));
        Assert.Equal([3, 4], await List(new PaymentFilter(Limit: 2)));
        Assert.Empty(await List(new PaymentFilter(Districts: [])));
        var stored = (await db.Store.FindAsync<Payment>(payments[1].Id))!;
        Assert.Equal((PaymentState.Succeeded, "银行流水 0001", 2L), (stored.State, stored.GatewayReference, stored.Version));
    }

    /// <summary>Bookings made through the domain: requested, confirmed, completed (the delivery recorded with a 7-day window).</summary>
    [SkippableFact]
    public async Task DeliveriesDue_AreCompletedBookingsWithARecordedDeliveryPastItsWindow_DueFirst()
    {
        await using var db = await CreateAsync();
        var session = MongoSamples.Session(Ids.New(), Ids.New());
        var delivered = session.StartsAt.AddHours(2);
        Booking Completed(TimeSpan after)
        {
            var booking = MongoSamples.Booking(session, Ids.New());
            booking.Confirm(Now, "Provider:p");
            booking.Complete(booking.Pupils - 2, delivered + after, "Provider:p");
            return booking;
        }
        var late = Completed(TimeSpan.FromMilliseconds(1_500));
        var early = Completed(TimeSpan.FromMilliseconds(7));
        var exact = Completed(TimeSpan.FromSeconds(1)); // a window ending on whole seconds ("…:00+00:00", no fraction)
        var confirmed = Completed(TimeSpan.Zero);
        confirmed.ConfirmDelivery(0, delivered.AddDays(1), "School:s");
        var disputed = Completed(TimeSpan.Zero);
        disputed.DisputeDelivery("人数不符", 20, delivered.AddDays(1), "School:s");
        var fresh = Completed(TimeSpan.FromDays(3));
        var notDelivered = MongoSamples.Booking(session, Ids.New());
        notDelivered.Confirm(Now, "Provider:p");
        var changes = new StoreChanges();
        foreach (var b in new[] { late, fresh, confirmed, early, notDelivered, disputed, exact }) changes.Insert(b);
        await db.Store.CommitAsync(changes);
        var instant = late.Delivery!.DisputeBy.AddTicks(1);
        async Task<List<Guid>> Due(DateTimeOffset before, int limit = 100) => [.. (await db.Store.ListDeliveriesDueAsync(before, limit)).Select(b => b.Id)];

        Assert.Equal([early.Id, exact.Id, late.Id], await Due(instant));
        Assert.Equal([early.Id, exact.Id], await Due(late.Delivery.DisputeBy)); // strictly before the instant
        Assert.Equal([early.Id, exact.Id], await Due(exact.Delivery!.DisputeBy.AddTicks(1)));
        Assert.Equal([early.Id], await Due(instant, limit: 1));
        Assert.Equal([early.Id, exact.Id, late.Id, fresh.Id], await Due(instant.AddDays(3)));
        Assert.Equal([early.Id, exact.Id, late.Id, fresh.Id], await Due(new DateTimeOffset(instant.AddDays(3).UtcDateTime).ToOffset(TimeSpan.FromHours(8))));
        Assert.Empty(await Due(early.Delivery!.DisputeBy));
        var stored = (await db.Store.ListDeliveriesDueAsync(instant, 1)).Single();
        Assert.Equal((DeliveryStatus.Recorded, early.Pupils - 2, early.Delivery.DisputeBy), (stored.Delivery!.Status, stored.Delivery.Attended, stored.Delivery.DisputeBy));
    }

    private static Guid[] Parties(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ =>
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    })];

    /// <summary>2–4 balanced lines over the accounts of a school, a provider and a district, at a random time in Sept–Nov 2026
    /// (or at <paramref name="previous"/>'s time: ties are ordered by id), of a random kind.</summary>
    private static LedgerTransaction RandomPosting(Random random, int n, Guid[] schools, Guid[] providers, LedgerTransaction? previous)
    {
        var school = schools[random.Next(schools.Length)];
        var provider = providers[random.Next(providers.Length)];
        var district = LedgerDistricts[random.Next(LedgerDistricts.Length)];
        var at = previous?.PostedAt ?? LedgerStart.AddMinutes(random.Next(0, 90 * 24 * 60)).AddMilliseconds(random.Next(1000));
        string[] accounts = [Accounts.BureauSubsidy(district), Accounts.FamilyReceivable(school), Accounts.SchoolFund(school), Accounts.Clearing(school),
            Accounts.ProviderPayable(provider, school), Accounts.Cash(school)];
        var lines = accounts.OrderBy(_ => random.Next()).Take(random.Next(2, 5)).ToList();
        var amounts = lines.Skip(1).Select(_ => (long)random.Next(1, 60_000) * (random.Next(2) == 0 ? 1 : -1)).ToList();
        amounts.Insert(0, -amounts.Sum());
        var kinds = Enum.GetValues<LedgerKind>();
        return LedgerTransaction.Post($"test:{n}", kinds[random.Next(kinds.Length)], at, district, lines.Zip(amounts, (a, m) => new LedgerEntry(a, m)),
            $"随机 {n}", school, random.Next(4) == 0 ? null : provider, bookingId: Ids.New());
    }

    private static async Task CommitInBatchesAsync(IMarketplaceStore store, IReadOnlyList<LedgerTransaction> transactions, int size)
    {
        foreach (var batch in transactions.Chunk(size))
        {
            var changes = new StoreChanges();
            foreach (var t in batch) changes.Insert(t);
            await store.CommitAsync(changes);
        }
    }

    /// <summary>Every transaction the filter matches, page after page from the previous page's last key.</summary>
    private static async Task<List<Guid>> ReadLedgerAsync(IMarketplaceStore store, LedgerFilter filter)
    {
        var ids = new List<Guid>();
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await store.ListLedgerAsync(filter);
            Assert.InRange(page.Count, 0, filter.Limit);
            ids.AddRange(page.Select(t => t.Id));
            if (page.Count < filter.Limit) return ids;
            filter = filter with { After = new LedgerKey(page[^1].PostedAt, page[^1].Id) };
        }
        throw new InvalidOperationException("paging did not end");
    }

    private static bool Matches(LedgerFilter f, LedgerTransaction t) =>
        (f.Districts is null || f.Districts.Contains(t.DistrictCode)) && (f.SchoolId is null || f.SchoolId == t.SchoolId)
        && (f.ProviderId is null || f.ProviderId == t.ProviderId) && (f.From is null || t.PostedAt >= f.From) && (f.Before is null || t.PostedAt < f.Before);

    private static List<LedgerTransaction> InPostingOrder(IEnumerable<LedgerTransaction> transactions) =>
        [.. transactions.OrderBy(t => t.PostedAt).ThenBy(t => t.Id.ToString("D"), StringComparer.Ordinal)];

    private static List<LedgerTotal> Totals(IEnumerable<LedgerTransaction> transactions) =>
    [
        .. transactions.SelectMany(t => t.Entries.Select(e => (t.Kind, e))).GroupBy(x => (x.e.Account, x.Kind))
            .Select(g => new LedgerTotal(g.Key.Account, g.Key.Kind, g.Where(x => x.e.AmountFen > 0).Sum(x => x.e.AmountFen),
                g.Where(x => x.e.AmountFen < 0).Sum(x => x.e.AmountFen), g.Count()))
            .OrderBy(t => t.Account, StringComparer.Ordinal).ThenBy(t => t.Kind),
    ];
}
