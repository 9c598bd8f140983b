using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>
/// Every list query has an index that serves it without a blocking sort: the filter's fields first (equality or $in, in
/// any order), then the sort key — MongoDB's equality-sort-range rule (manual, "The ESR Guideline"). Checked against the
/// index list the adapter creates; the planner itself needs a server.
/// </summary>
public sealed class MongoIndexTests
{
    public static TheoryData<string> BookingLists => ["bureau, one status", "bureau, every status", "school", "provider", "session, sweep"];

    [Theory]
    [MemberData(nameof(BookingLists))]
    public void BookingList_HasAnIndexForItsFilterAndNewestFirstOrder(string who)
    {
        var filter = who switch
        {
            "bureau, one status" => new BookingFilter(Districts: ["110101", "110102"], Status: BookingStatus.Requested),
            "bureau, every status" => new BookingFilter(Districts: ["110101", "110102"]),
            "school" => new BookingFilter(SchoolId: Ids.New()),
            "provider" => new BookingFilter(ProviderId: Ids.New()),
            _ => new BookingFilter(SessionId: Ids.New()),
        };

        var fields = BookingQuery.Filter(filter).Names.ToList();

        AssertServed("bookings", fields, who.StartsWith("session", StringComparison.Ordinal) ? null : BookingQuery.NewestFirst);
    }

    /// <summary>The bureau's pages: providers of its districts in a status, offerings in a status (review queues).</summary>
    [Fact]
    public void TheBureausProviderAndOfferingPages_HaveIndexes()
    {
        var entry = ListQuery.Providers(new ProviderFilter(ProviderStatus.Pending, ["110101", "110102"]))["approvals"]["$elemMatch"].AsBsonDocument;
        AssertServed("providers", entry.Names.Select(n => "approvals." + n).ToList(), ListQuery.ById); // $elemMatch over ix_approvals
        AssertServed("offerings", ListQuery.Offerings(new OfferingFilter(Status: OfferingStatus.PendingReview)).Names.ToList(), ListQuery.ById);
    }

    /// <summary>Issue 16: the recommendation notices a school was sent, newest first.</summary>
    [Fact]
    public void ASchoolsRecommendationNotices_HaveAnIndex()
    {
        var school = Ids.New();
        Assert.Equal(new BsonDocument("schoolId", school.ToString()), MongoMarketplaceStore.NoticesFilterOf(school));
        AssertServed("recommendation_notices", MongoMarketplaceStore.NoticesFilterOf(school).Names.ToList(), MongoMarketplaceStore.NewestFirst);
    }

    [Fact]
    public void OfferingsByStatus_AndProvidersByStatus_HaveIndexes()
    {
        AssertServed("offerings", ["status"], new BsonDocument("_id", 1));
        AssertServed("providers", ["status"], new BsonDocument("_id", 1));
        AssertServed("providers", ["districts", "status"], new BsonDocument("_id", 1));
    }

    /// <summary>Issue 12: a district's white list, an organisation's users, a role's users, the roster by district, the audit
    /// trail by district and by organisation newest first.</summary>
    [Fact]
    public void TheDistrictsWhiteList_AccountsRosterAndAudit_HaveIndexes()
    {
        AssertServed("providers", ["approvals.district", "approvals.status"], new BsonDocument("_id", 1));
        AssertServed("users", ["organizationId"], new BsonDocument("_id", 1));
        AssertServed("users", ["role"], new BsonDocument("_id", 1));
        AssertServed("schools", ["districtCode"], new BsonDocument("_id", 1));
        AssertServed("audit", ["district"], new BsonDocument("_id", -1));
        AssertServed("audit", ["organizationId"], new BsonDocument("_id", -1));
    }

    /// <summary>Issue 13: the booking-series lists (a school's, a provider's, a bureau's with or without a status newest first, the
    /// expiry sweep), the waiting list's queue, hold sweep and school view, sessions by status and start, a school's bookings by start.</summary>
    [Fact]
    public void SeriesWaitlistSessionAndPlanQueries_HaveIndexes()
    {
        AssertServed("booking_series", SeriesQuery.Filter(new SeriesFilter(SchoolId: Ids.New(), Before: Ids.New())).Names.Where(n => n != "_id").ToList(), BookingQuery.NewestFirst);
        AssertServed("booking_series", SeriesQuery.Filter(new SeriesFilter(ProviderId: Ids.New())).Names.ToList(), BookingQuery.NewestFirst);
        AssertServed("booking_series", SeriesQuery.Filter(new SeriesFilter(Districts: ["110101"], Status: SeriesStatus.Requested)).Names.ToList(), BookingQuery.NewestFirst);
        AssertServed("booking_series", ["status"], new BsonDocument("expiresAt", 1)); // the sweep: status, then a range on expiresAt
        AssertServed("waitlist", ["sessionId", "status"], new BsonDocument("_id", 1));
        AssertServed("waitlist", ["status"], new BsonDocument("heldUntil", 1));
        AssertServed("waitlist", ["schoolId"], new BsonDocument("_id", -1));
        AssertServed("sessions", ["status"], new BsonDocument("startsAt", 1));
        AssertServed("bookings", ["schoolId"], new BsonDocument("sessionStartsAt", 1));
    }

    /// <summary>One live waiting-list entry per school and session: unique over active keys only (finished entries have none).</summary>
    [Fact]
    public void WaitlistActiveKeys_AreUniqueOnlyWherePresent_AndADuplicateNamesTheField()
    {
        var index = Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == "waitlist" && i.Unique);
        Assert.Equal(new BsonDocument("activeKey", 1), index.Keys);
        Assert.Equal(BsonDocument.Parse("""{ "activeKey": { "$type": "string" } }"""), index.Partial);
        Assert.Equal("activeKey", MongoSchema.UniqueFields[index.Name]);
    }

    /// <summary>A school code is unique where present: a partial index over strings only, since MongoDB would index every
    /// school without a code as null and allow just one of them (manual, "Partial Indexes", unique constraint).</summary>
    [Fact]
    public void SchoolCodes_AreUniqueOnlyWherePresent_AndADuplicateNamesTheField()
    {
        var index = Assert.Single(MongoSchema.IndexSpecs, i => i.Collection == "schools" && i.Unique);
        Assert.Equal(new BsonDocument("schoolCode", 1), index.Keys);
        Assert.Equal(BsonDocument.Parse("""{ "schoolCode": { "$type": "string" } }"""), index.Partial);
        Assert.Equal("schoolCode", MongoSchema.UniqueFields[index.Name]);
        Assert.All(MongoSchema.IndexSpecs.Where(i => (!i.Unique || i.Collection is not ("schools" or "waitlist")) && i.Name is not ("ix_delivery_due" or "ux_phone")), i => Assert.Null(i.Partial));
    }

    /// <summary>Issue 15: a district's, school's or provider's ledger in posting order (over a month: equality, sort, range),
    /// the city's by time; payments newest first by school, provider, district or none; the silence sweep by dispute window.</summary>
    [Fact]
    public void LedgerPaymentsAndDeliveriesDue_HaveIndexes()
    {
        var month = (From: new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), Before: new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        static List<string> Equalities(BsonDocument filter) => [.. filter.Names.Where(n => n is not ("postedAt" or "createdAt" or "$or" or "delivery.disputeBy"))];
        AssertServed("ledger", Equalities(LedgerQuery.Filter(new LedgerFilter(Districts: ["110101"], From: month.From, Before: month.Before))), LedgerQuery.PostingOrder);
        AssertServed("ledger", Equalities(LedgerQuery.Filter(new LedgerFilter(SchoolId: Ids.New(), After: new LedgerKey(month.From, Ids.New())))), LedgerQuery.PostingOrder);
        AssertServed("ledger", Equalities(LedgerQuery.Filter(new LedgerFilter(ProviderId: Ids.New(), From: month.From))), LedgerQuery.PostingOrder);
        AssertServed("ledger", Equalities(LedgerQuery.Filter(new LedgerFilter(From: month.From, Before: month.Before))), LedgerQuery.PostingOrder);
        AssertServed("payments", Equalities(LedgerQuery.Payments(new PaymentFilter(SchoolId: Ids.New()))), LedgerQuery.NewestFirst);
        AssertServed("payments", Equalities(LedgerQuery.Payments(new PaymentFilter(ProviderId: Ids.New(), From: month.From))), LedgerQuery.NewestFirst);
        AssertServed("payments", Equalities(LedgerQuery.Payments(new PaymentFilter(Districts: ["110101", "110102"]))), LedgerQuery.NewestFirst);
        AssertServed("payments", [], LedgerQuery.NewestFirst);
        Assert.Equal(["delivery.status", "delivery.disputeBy", "status"], LedgerQuery.DeliveriesDue(month.From).Names);
        AssertServed("bookings", ["delivery.status"], LedgerQuery.DueFirst);
    }

    /// <summary>The sweep's index holds only bookings whose delivery is recorded; the sweep names that status, so the planner may use it.</summary>
    [Fact]
    public void TheDeliveryDueIndex_IsPartialOverRecordedDeliveries_WhichTheSweepMatches()
    {
        var index = Assert.Single(MongoSchema.IndexSpecs, i => i.Name == "ix_delivery_due");
        Assert.Equal(BsonDocument.Parse("""{ "delivery.status": 1, "delivery.disputeBy": 1, "_id": 1 }"""), index.Keys);
        Assert.Equal(BsonDocument.Parse("""{ "delivery.status": "Recorded" }"""), index.Partial);
        Assert.Equal(index.Partial!["delivery.status"], LedgerQuery.DeliveriesDue(DateTimeOffset.UnixEpoch)["delivery.status"]);
    }

    private static void AssertServed(string collection, IReadOnlyCollection<string> equality, BsonDocument? sort)
    {
        var candidates = MongoSchema.IndexSpecs.Where(i => i.Collection == collection).ToList();
        // After equality fields any single sort key is served in either direction: the index is read backwards if need be.
        var served = candidates.Any(i =>
            i.Keys.ElementCount > equality.Count
            && i.Keys.Names.Take(equality.Count).ToHashSet(StringComparer.Ordinal).SetEquals(equality)
            && (sort is null || i.Keys.GetElement(equality.Count).Name == sort.GetElement(0).Name)
            || sort is null && i.Keys.Names.ToHashSet(StringComparer.Ordinal).SetEquals(equality));

        Assert.True(served, $"no index on {collection} serves {{{string.Join(", ", equality)}}} sorted by {sort}; indexes: "
            + string.Join("; ", candidates.Select(c => $"{c.Name} {c.Keys}")));
    }
}
