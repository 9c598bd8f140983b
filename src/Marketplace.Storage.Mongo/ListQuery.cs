using Marketplace.Core.Persistence;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>The paged list filters (keyset after the last item of the previous page); rendered by the request-shape tests.</summary>
internal static class ListQuery
{
    public static readonly BsonDocument ById = new("_id", 1);
    public static readonly BsonDocument ByStartThenId = new() { { "startsAt", 1 }, { "_id", 1 } };

    public static BsonDocument Providers(ProviderFilter f)
    {
        var filter = new BsonDocument();
        // One white-list entry must hold both (served by providers.ix_approvals {approvals.district, approvals.status, _id}).
        var entry = new BsonDocument();
        if (f.Districts is { } districts) entry.Add("district", new BsonDocument("$in", new BsonArray(districts)));
        if (f.Status is { } status) entry.Add("status", status.ToString());
        if (entry.ElementCount > 0) filter.Add("approvals", new BsonDocument("$elemMatch", entry));
        if (f.After is { } after) filter.Add("_id", new BsonDocument("$gt", StoredDocuments.Key(after)));
        return filter;
    }

    public static BsonDocument Offerings(OfferingFilter f)
    {
        // Provider conditions go into $and: one provider and a set of them may both be given, and a document cannot hold two providerId keys.
        var providers = new BsonArray();
        if (f.ProviderId is { } provider) providers.Add(new BsonDocument("providerId", StoredDocuments.Key(provider)));
        if (f.ProviderIds is { } ids) providers.Add(new BsonDocument("providerId", new BsonDocument("$in", new BsonArray(ids.Select(StoredDocuments.Key)))));
        var filter = providers.Count switch
        {
            0 => new BsonDocument(),
            1 => providers[0].AsBsonDocument,
            _ => new BsonDocument("$and", providers),
        };
        if (f.Status is { } status) filter.Add("status", status.ToString());
        if (f.After is { } after) filter.Add("_id", new BsonDocument("$gt", StoredDocuments.Key(after)));
        return filter;
    }

    /// <summary>Times are stored as ISO-8601 UTC strings, which order as the instants do.</summary>
    public static BsonDocument Sessions(SessionFilter f)
    {
        var filter = new BsonDocument("offeringId", StoredDocuments.Key(f.OfferingId));
        if (f.After is { } after)
        {
            var start = StoreJson.FormatTime(after.StartsAt);
            filter.Add("$or", new BsonArray
            {
                new BsonDocument("startsAt", new BsonDocument("$gt", start)),
                new BsonDocument { { "startsAt", start }, { "_id", new BsonDocument("$gt", StoredDocuments.Key(after.Id)) } },
            });
        }
        return filter;
    }

    /// <summary>
    /// A page of the roster: the districts' schools, optionally of one stage, after the cursor, leaving out <paramref name="booked"/>
    /// (the schools <see cref="BookedSchools"/> found, for "no booking this semester"). Served by schools.ix_district.
    /// </summary>
    public static BsonDocument Schools(SchoolFilter f, IReadOnlyCollection<string>? booked = null)
    {
        var filter = new BsonDocument("districtCode", new BsonDocument("$in", new BsonArray(f.Districts)));
        if (f.Stage is { } stage) filter.Add("stage", stage.ToString());
        var id = new BsonDocument();
        if (f.After is { } after) id.Add("$gt", StoredDocuments.Key(after));
        if (booked is not null) id.Add("$nin", new BsonArray(booked));
        if (id.ElementCount > 0) filter.Add("_id", id);
        return filter;
    }

    /// <summary>The bookings whose schools count as booked since <see cref="SchoolFilter.NoBookingSince"/>, for a distinct of their
    /// schoolId (bookings.ix_district_status covers district and status).</summary>
    public static BsonDocument BookedSchools(SchoolFilter f, DateTimeOffset since) => new()
    {
        { "districtCode", new BsonDocument("$in", new BsonArray(f.Districts)) },
        { "status", new BsonDocument("$in", new BsonArray(SchoolFilter.BookedStatuses.Select(s => s.ToString()))) },
        { "sessionStartsAt", new BsonDocument("$gte", StoreJson.FormatTime(since)) },
    };
}
