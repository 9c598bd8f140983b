using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>Booking series (issue 13), newest first as bookings: ix_school, ix_provider, ix_district_status, ix_status_expiresAt.</summary>
internal static class SeriesQuery
{
    public static BsonDocument Filter(SeriesFilter f)
    {
        var filter = new BsonDocument();
        if (f.SchoolId is { } school) filter.Add("schoolId", StoredDocuments.Key(school));
        if (f.ProviderId is { } provider) filter.Add("providerId", StoredDocuments.Key(provider));
        if (f.Districts is { } districts) filter.Add("districtCode", new BsonDocument("$in", new BsonArray(districts)));
        if (f.Status is { } status) filter.Add("status", status.ToString());
        if (f.ExpiresBefore is { } before) filter.Add("expiresAt", new BsonDocument("$lt", StoreJson.FormatTime(before)));
        if (f.Before is { } newer) filter.Add("_id", new BsonDocument("$lt", StoredDocuments.Key(newer)));
        return filter;
    }
}
