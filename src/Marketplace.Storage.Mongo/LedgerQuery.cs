using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// The settlement queries (issue 15): ledger pages in posting order, statements as one aggregation, payments newest first, the
/// deliveries whose dispute window ran out. Times are stored as UTC ISO strings, which order as the instants do. Rendered by the
/// request-shape tests.
/// </summary>
internal static class LedgerQuery
{
    public static readonly BsonDocument PostingOrder = new() { { "postedAt", 1 }, { "_id", 1 } };
    public static readonly BsonDocument NewestFirst = new() { { "createdAt", -1 }, { "_id", -1 } };
    public static readonly BsonDocument DueFirst = new() { { "delivery.disputeBy", 1 }, { "_id", 1 } };

    /// <summary>Served by ledger.ix_district_postedAt / ix_school_postedAt / ix_provider_postedAt / ix_postedAt.</summary>
    public static BsonDocument Filter(LedgerFilter f, bool page = true)
    {
        var filter = new BsonDocument();
        if (f.Districts is { } districts) filter.Add("districtCode", new BsonDocument("$in", new BsonArray(districts)));
        if (f.SchoolId is { } school) filter.Add("schoolId", StoredDocuments.Key(school));
        if (f.ProviderId is { } provider) filter.Add("providerId", StoredDocuments.Key(provider));
        if (f.From is not null || f.Before is not null)
        {
            var posted = new BsonDocument();
            if (f.From is { } from) posted.Add("$gte", StoreJson.FormatTime(from));
            if (f.Before is { } before) posted.Add("$lt", StoreJson.FormatTime(before));
            filter.Add("postedAt", posted);
        }
        if (page && f.After is { } after)
        {
            var at = StoreJson.FormatTime(after.PostedAt);
            filter.Add("$or", new BsonArray
            {
                new BsonDocument("postedAt", new BsonDocument("$gt", at)),
                new BsonDocument { { "postedAt", at }, { "_id", new BsonDocument("$gt", StoredDocuments.Key(after.Id)) } },
            });
        }
        return filter;
    }

    /// <summary>The statement: the matching transactions' entries, debits and credits summed apart per account and kind, and counted.</summary>
    public static BsonDocument[] Sum(LedgerFilter f) =>
    [
        new("$match", Filter(f, page: false)),
        new("$unwind", "$entries"),
        new("$group", new BsonDocument
        {
            { "_id", new BsonDocument { { "account", "$entries.account" }, { "kind", "$kind" } } },
            { "debit", new BsonDocument("$sum", Signed("$gt")) },
            { "credit", new BsonDocument("$sum", Signed("$lt")) },
            { "entries", new BsonDocument("$sum", 1) },
        }),
        new("$sort", new BsonDocument { { "_id.account", 1 }, { "_id.kind", 1 } }),
    ];

    private static BsonDocument Signed(string comparison) => new("$cond", new BsonArray
    {
        new BsonDocument(comparison, new BsonArray { "$entries.amountFen", 0 }), "$entries.amountFen", 0,
    });

    /// <summary>Served by payments.ix_school_createdAt / ix_provider_createdAt / ix_district_createdAt / ix_createdAt.</summary>
    public static BsonDocument Payments(PaymentFilter f)
    {
        var filter = new BsonDocument();
        if (f.SchoolId is { } school) filter.Add("schoolId", StoredDocuments.Key(school));
        if (f.ProviderId is { } provider) filter.Add("providerId", StoredDocuments.Key(provider));
        if (f.Districts is { } districts) filter.Add("districtCode", new BsonDocument("$in", new BsonArray(districts)));
        if (f.State is { } state) filter.Add("state", state.ToString());
        if (f.From is not null || f.Before is not null)
        {
            var created = new BsonDocument();
            if (f.From is { } from) created.Add("$gte", StoreJson.FormatTime(from));
            if (f.Before is { } before) created.Add("$lt", StoreJson.FormatTime(before));
            filter.Add("createdAt", created);
        }
        return filter;
    }

    /// <summary>Completed bookings with a recorded delivery past its window: bookings.ix_delivery_due, partial over recorded deliveries.</summary>
    public static BsonDocument DeliveriesDue(DateTimeOffset dueBefore) => new()
    {
        { "delivery.status", nameof(DeliveryStatus.Recorded) },
        { "delivery.disputeBy", new BsonDocument("$lt", StoreJson.FormatTime(dueBefore)) },
        { "status", nameof(BookingStatus.Completed) },
    };
}
