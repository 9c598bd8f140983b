using Marketplace.Core.Bookings;
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

    [Fact]
    public void OfferingsByStatus_AndProvidersByStatus_HaveIndexes()
    {
        AssertServed("offerings", ["status"], new BsonDocument("_id", 1));
        AssertServed("providers", ["status"], new BsonDocument("_id", 1));
        AssertServed("providers", ["districts", "status"], new BsonDocument("_id", 1));
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
