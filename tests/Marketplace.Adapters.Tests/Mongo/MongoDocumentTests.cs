using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>Aggregates survive StoreJson → BSON → relaxed JSON → StoreJson unchanged, so both stores hold the same shape.</summary>
public sealed class MongoDocumentTests
{
    private static readonly Guid ProviderId = Ids.New();

    public static TheoryData<string> Kinds => ["provider", "offering", "session", "booking", "school"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Aggregate_RoundTripsThroughBson(string kind)
    {
        var original = Sample(kind);

        var document = StoredDocuments.ToBson(original);
        var back = Read(original.GetType(), document);

        Assert.Equal(original.Id.ToString("D"), document["_id"].AsString);
        Assert.Equal(StoreJson.Serialize<object>(original), StoreJson.Serialize<object>(back));
    }

    [Fact]
    public void Session_KeepsTheFieldsTheAtomicUpdateUsesAsTopLevelNumbersAndStrings()
    {
        var session = MongoSamples.Session(Ids.New(), ProviderId, capacity: 30);

        var document = StoredDocuments.ToBson(session);

        Assert.True(document["capacity"].IsNumeric);
        Assert.True(document["reserved"].IsNumeric);
        Assert.True(document["version"].IsNumeric);
        Assert.Equal("Scheduled", document["status"].AsString);
        Assert.Equal("2026-09-08T07:40:00.123+00:00", document["startsAt"].AsString);
    }

    [Fact]
    public void Offering_KeepsLongMoneyAndFractionalCoordinates()
    {
        var offering = MongoSamples.Offering(ProviderId);

        var back = StoredDocuments.FromBson<Offering>(StoredDocuments.ToBson(offering));

        Assert.Equal(3_000_000_000L, back.Content.PriceFen);
        Assert.Equal(31.1937, back.Content.Venue!.Lat);
        Assert.Equal("机器人编程入门", back.Content.Title);
        Assert.Equal(offering.CreatedAt, back.CreatedAt);
    }

    [Fact]
    public void Session_ReadsBackAfterTheServerIncrementedItsCounters()
    {
        var session = MongoSamples.Session(Ids.New(), ProviderId, capacity: 30);
        var document = StoredDocuments.ToBson(session);
        document["reserved"] = document["reserved"].ToInt32() + 4;
        document["version"] = document["version"].ToInt64() + 1;

        var back = StoredDocuments.FromBson<Session>(document);

        Assert.Equal(4, back.Reserved);
        Assert.Equal(session.Version + 1, back.Version);
        Assert.Equal(26, back.FreeSeats);
    }

    [Fact]
    public void OutboxMessage_RoundTripsWithItsCursor()
    {
        var message = OutboxMessage.Create(EventTypes.SessionsChanged, MongoSamples.Now, ["public", "provider:1"],
            new SessionsChangedData(Ids.New(), [Ids.New()]));

        var back = OutboxDocuments.FromBson(OutboxDocuments.ToBson(message, 42));

        Assert.Equal(message with { Cursor = 42 }, back with { Audiences = message.Audiences });
        Assert.Equal(message.Audiences, back.Audiences);
    }

    [Fact]
    public void IdempotencyRecord_RoundTrips()
    {
        var record = new IdempotencyRecord("booking:school-1", "key-1", "abc", Guid.NewGuid(), """{"id":"x"}""", MongoSamples.Now);

        var back = StoredDocuments.FromBson<IdempotencyRecord>(StoredDocuments.ToBson(record, "booking:school-1|key-1"));

        Assert.Equal(record, back);
    }

    [Fact]
    public void BookingFilter_UsesStoredStringsForIdsEnumsAndTimes()
    {
        var school = Ids.New();

        var filter = BookingQuery.Filter(new BookingFilter(SchoolId: school, Status: BookingStatus.Requested,
            Districts: ["310104"], ExpiresBefore: new DateTimeOffset(2026, 9, 1, 15, 40, 0, TimeSpan.FromHours(8)), Before: school));

        Assert.Equal(new BsonDocument
        {
            { "schoolId", school.ToString("D") },
            { "districtCode", new BsonDocument("$in", new BsonArray { "310104" }) },
            { "status", "Requested" },
            { "expiresAt", new BsonDocument("$lt", "2026-09-01T07:40:00+00:00") },
            { "_id", new BsonDocument("$lt", school.ToString("D")) },
        }, filter);
        var semester = BookingQuery.Filter(new BookingFilter(SchoolId: school)
        {
            StartsFrom = new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.FromHours(8)), StartsBefore = new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.FromHours(8)),
        });
        Assert.Equal(new BsonDocument("$gte", "2026-08-31T16:00:00+00:00").Add("$lt", "2027-01-31T16:00:00+00:00"), semester["sessionStartsAt"]);
    }

    /// <summary>The committed fund is summed by the server: match on the school and session start (ix_bookings_school_start),
    /// then one group whose $switch follows PlanAdvisor.CommittedFen.</summary>
    [Fact]
    public void CommittedFen_IsOneMatchAndOneGroup_SwitchingOnStatus()
    {
        var school = Ids.New();
        var pipeline = BookingQuery.CommittedFen(school, new DateTimeOffset(2026, 9, 1, 0, 0, 0, TimeSpan.FromHours(8)), new DateTimeOffset(2027, 2, 1, 0, 0, 0, TimeSpan.FromHours(8)));
        Assert.Equal(["$match", "$group"], pipeline.Select(stage => stage.GetElement(0).Name));
        Assert.Equal(school.ToString("D"), pipeline[0]["$match"]["schoolId"].AsString);
        Assert.Equal("2026-08-31T16:00:00+00:00", pipeline[0]["$match"]["sessionStartsAt"]["$gte"].AsString);
        var sum = pipeline[1]["$group"]["fen"]["$sum"]["$switch"];
        Assert.Equal("""{ "$in" : ["$status", ["Requested", "Confirmed"]] }""", sum["branches"][0]["case"].ToJson());
        Assert.Equal("$quote.totalFen", sum["branches"][0]["then"].AsString);
        Assert.Equal("""{ "$ifNull" : [{ "$multiply" : ["$quote.unitPriceFen", "$attended"] }, "$quote.totalFen"] }""", sum["branches"][1]["then"].ToJson());
        Assert.Equal(0, sum["default"].AsInt32);
    }

    private static IAggregate Sample(string kind)
    {
        var session = MongoSamples.Session(Ids.New(), ProviderId);
        return kind switch
        {
            "provider" => MongoSamples.Provider(),
            "offering" => MongoSamples.Offering(ProviderId),
            "session" => session,
            "booking" => MongoSamples.Booking(session, Ids.New()),
            _ => MongoSamples.School(),
        };
    }

    private static IAggregate Read(Type type, BsonDocument document) => type.Name switch
    {
        nameof(Provider) => StoredDocuments.FromBson<Provider>(document),
        nameof(Offering) => StoredDocuments.FromBson<Offering>(document),
        nameof(Session) => StoredDocuments.FromBson<Session>(document),
        nameof(Booking) => StoredDocuments.FromBson<Booking>(document),
        _ => StoredDocuments.FromBson<School>(document),
    };
}
