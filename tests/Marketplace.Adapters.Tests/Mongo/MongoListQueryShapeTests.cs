using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>The paged list filters the Mongo store sends (keyset after the previous page's last item); no server needed.</summary>
public sealed class MongoListQueryShapeTests
{
    private static readonly Guid A = Guid.Parse("0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b"), B = Guid.Parse("0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c");

    [Fact]
    public void SessionsPage_ContinuesAfterTheLastStartAndId_InStartThenIdOrder()
    {
        var filter = ListQuery.Sessions(new SessionFilter(A, 50, new SessionKey(new DateTimeOffset(2026, 9, 1, 15, 40, 0, TimeSpan.FromHours(8)), B)));

        Assert.Equal(BsonDocument.Parse("""
            { "offeringId": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b",
              "$or": [ { "startsAt": { "$gt": "2026-09-01T07:40:00+00:00" } },
                       { "startsAt": "2026-09-01T07:40:00+00:00", "_id": { "$gt": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c" } } ] }
            """), filter);
        Assert.Equal(BsonDocument.Parse("""{ "startsAt": 1, "_id": 1 }"""), ListQuery.ByStartThenId);
        Assert.Equal(BsonDocument.Parse("""{ "offeringId": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b" }"""), ListQuery.Sessions(new SessionFilter(A)));
    }

    [Fact]
    public void OfferingsPage_OfTheBureausProviders_WithStatus_AfterTheCursor()
    {
        var filter = ListQuery.Offerings(new OfferingFilter(ProviderIds: [A, B], Status: OfferingStatus.PendingReview, After: A));

        Assert.Equal(BsonDocument.Parse("""
            { "providerId": { "$in": [ "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b", "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c" ] },
              "status": "PendingReview", "_id": { "$gt": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b" } }
            """), filter);
    }

    [Fact]
    public void OfferingsPage_WithOneProviderAndASet_RequiresBoth()
    {
        var filter = ListQuery.Offerings(new OfferingFilter(ProviderId: A, ProviderIds: [B]));

        Assert.Equal(BsonDocument.Parse("""
            { "$and": [ { "providerId": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b" },
                        { "providerId": { "$in": [ "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c" ] } } ] }
            """), filter);
    }

    [Fact]
    public void ProvidersPage_WithAnEntryInAnyOfTheDistricts_InThatStatus_AfterTheCursor()
    {
        var filter = ListQuery.Providers(new ProviderFilter(ProviderStatus.Approved, ["110105", "110108"], 100, A));

        // One white-list entry must hold both the district and the status ($elemMatch), not any entry each.
        Assert.Equal(BsonDocument.Parse("""
            { "approvals": { "$elemMatch": { "district": { "$in": [ "110105", "110108" ] }, "status": "Approved" } },
              "_id": { "$gt": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b" } }
            """), filter);
        Assert.Equal(BsonDocument.Parse("""{ "approvals": { "$elemMatch": { "status": "Suspended" } } }"""),
            ListQuery.Providers(new ProviderFilter(Status: ProviderStatus.Suspended)));
        Assert.Equal(new BsonDocument(), ListQuery.Providers(new ProviderFilter()));
        Assert.Equal(BsonDocument.Parse("""{ "_id": 1 }"""), ListQuery.ById);
    }

    [Fact]
    public void SchoolsPage_OfTheDistricts_WithStage_AfterTheCursor_LeavingOutTheBookedSchools()
    {
        var filter = new SchoolFilter(["110101", "110102"], SchoolStage.Junior, new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.FromHours(8)), 101, A);

        Assert.Equal(BsonDocument.Parse("""
            { "districtCode": { "$in": [ "110101", "110102" ] }, "stage": "Junior",
              "_id": { "$gt": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b", "$nin": [ "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c" ] } }
            """), ListQuery.Schools(filter, [B.ToString()]));
        Assert.Equal(BsonDocument.Parse("""
            { "districtCode": { "$in": [ "110101", "110102" ] }, "status": { "$in": [ "Requested", "Confirmed", "Completed" ] },
              "sessionStartsAt": { "$gte": "2026-08-31T16:00:00+00:00" } }
            """), ListQuery.BookedSchools(filter, filter.NoBookingSince!.Value));
        Assert.Equal(BsonDocument.Parse("""{ "districtCode": { "$in": [ "110101" ] } }"""), ListQuery.Schools(new SchoolFilter(["110101"])));
    }
}
