using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Storage.Mongo;
using MongoDB.Bson;

namespace Marketplace.Adapters.Tests.Mongo;

/// <summary>What the Mongo store sends for the ledger, statements, payments and the silence sweep (issue 15); no server needed.</summary>
public sealed class MongoLedgerQueryShapeTests
{
    private static readonly Guid A = Guid.Parse("0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b"), B = Guid.Parse("0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c");
    private static readonly DateTimeOffset October = new(2026, 10, 1, 0, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void LedgerPage_OfDistrictsSchoolAndProvider_InAMonth_AfterTheLastKey_InPostingOrder()
    {
        var filter = LedgerQuery.Filter(new LedgerFilter(["110101", "110105"], A, B, October, October.AddMonths(1), 500,
            new LedgerKey(new DateTimeOffset(2026, 10, 9, 16, 30, 0, 250, TimeSpan.FromHours(8)), B)));

        Assert.Equal(BsonDocument.Parse("""
            { "districtCode": { "$in": [ "110101", "110105" ] }, "schoolId": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b",
              "providerId": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c",
              "postedAt": { "$gte": "2026-09-30T16:00:00+00:00", "$lt": "2026-10-31T16:00:00+00:00" },
              "$or": [ { "postedAt": { "$gt": "2026-10-09T08:30:00.25+00:00" } },
                       { "postedAt": "2026-10-09T08:30:00.25+00:00", "_id": { "$gt": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c" } } ] }
            """), filter);
        Assert.Equal(BsonDocument.Parse("""{ "postedAt": 1, "_id": 1 }"""), LedgerQuery.PostingOrder);
        Assert.Equal(new BsonDocument(), LedgerQuery.Filter(new LedgerFilter()));
    }

    /// <summary>$match → $unwind entries → $group by account and kind, debits and credits summed apart, entries counted; the page
    /// cursor is no part of a statement.</summary>
    [Fact]
    public void Statement_IsOneAggregation_SummingDebitsAndCreditsApartPerAccountAndKind()
    {
        var pipeline = LedgerQuery.Sum(new LedgerFilter(["110101"], From: October, Before: October.AddMonths(1), Limit: 5, After: new LedgerKey(October, A)));

        Assert.Equal(BsonArray.Create(new[]
        {
            BsonDocument.Parse("""{ "$match": { "districtCode": { "$in": [ "110101" ] }, "postedAt": { "$gte": "2026-09-30T16:00:00+00:00", "$lt": "2026-10-31T16:00:00+00:00" } } }"""),
            BsonDocument.Parse("""{ "$unwind": "$entries" }"""),
            BsonDocument.Parse("""
                { "$group": { "_id": { "account": "$entries.account", "kind": "$kind" },
                    "debit": { "$sum": { "$cond": [ { "$gt": [ "$entries.amountFen", 0 ] }, "$entries.amountFen", 0 ] } },
                    "credit": { "$sum": { "$cond": [ { "$lt": [ "$entries.amountFen", 0 ] }, "$entries.amountFen", 0 ] } },
                    "entries": { "$sum": 1 } } }
                """),
            BsonDocument.Parse("""{ "$sort": { "_id.account": 1, "_id.kind": 1 } }"""),
        }), new BsonArray(pipeline));
    }

    /// <summary>The pipeline's field paths are those of the stored document (StoreJson of a transaction, as StoredDocuments keeps it).</summary>
    [Fact]
    public void Statement_FieldPaths_AreThoseOfTheStoredTransaction()
    {
        var at = October.ToUniversalTime(); // stored instants are UTC (TimeProvider's), so they order as strings
        var posted = LedgerTransaction.Post("payment:x", LedgerKind.Payment, at, "110101",
            [new LedgerEntry(Accounts.Cash(A), -3_000_000_000L), new LedgerEntry(Accounts.ProviderPayable(B, A), 3_000_000_000L)], "m", A, B);
        var stored = StoredDocuments.ToBson(posted);

        Assert.Equal("110101", stored["districtCode"].AsString);
        Assert.Equal("2026-09-30T16:00:00+00:00", stored["postedAt"].AsString);
        Assert.Equal("Payment", stored["kind"].AsString);
        Assert.Equal((A.ToString(), B.ToString()), (stored["schoolId"].AsString, stored["providerId"].AsString));
        Assert.Equal(Accounts.Cash(A), stored["entries"][0]["account"].AsString);
        Assert.Equal(-3_000_000_000L, stored["entries"][0]["amountFen"].ToInt64());
        Assert.Equal(posted.Id.ToString(), stored["_id"].AsString);
        Assert.Equal(StoreJson.Serialize(posted), StoreJson.Serialize(StoredDocuments.FromBson<LedgerTransaction>(stored)));
    }

    [Fact]
    public void Payments_BySchoolProviderDistrictsStateAndTime_NewestFirst()
    {
        Assert.Equal(BsonDocument.Parse("""
            { "schoolId": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5b", "providerId": "0199a0b1-2c3d-7e4f-8a9b-0c1d2e3f4a5c",
              "districtCode": { "$in": [ "110101" ] }, "state": "Succeeded",
              "createdAt": { "$gte": "2026-09-30T16:00:00+00:00", "$lt": "2026-10-31T16:00:00+00:00" } }
            """), LedgerQuery.Payments(new PaymentFilter(A, B, ["110101"], PaymentState.Succeeded, October, October.AddMonths(1))));
        Assert.Equal(BsonDocument.Parse("""{ "createdAt": -1, "_id": -1 }"""), LedgerQuery.NewestFirst);
    }

    [Fact]
    public void DeliveriesDue_AreCompletedBookingsWithARecordedDeliveryWhoseWindowEndedBefore_DueFirst()
    {
        Assert.Equal(BsonDocument.Parse("""
            { "delivery.status": "Recorded", "delivery.disputeBy": { "$lt": "2026-09-30T16:00:00+00:00" }, "status": "Completed" }
            """), LedgerQuery.DeliveriesDue(October));
        Assert.Equal(BsonDocument.Parse("""{ "delivery.disputeBy": 1, "_id": 1 }"""), LedgerQuery.DueFirst);
    }

    /// <summary>A ledger transaction's _id is its business key: a duplicate on _id_ is the same event posted twice. Elsewhere _id_ stays "id".</summary>
    [Fact]
    public void ADuplicateLedgerId_IsTheLedgersDuplicate()
    {
        const string message = "E11000 duplicate key error collection: marketplace.ledger index: _id_ dup key: { _id: \"6b3c…\" }";

        var ledger = DuplicateKeys.Translate(message, nameof(LedgerTransaction));
        var other = DuplicateKeys.Translate(message.Replace("ledger", "payments", StringComparison.Ordinal), nameof(Payment));

        Assert.Equal((LedgerTransaction.DuplicateField, "duplicate.ledger"), (ledger.Field, ledger.Detail.Key));
        Assert.Equal("id", other.Field);
    }
}
