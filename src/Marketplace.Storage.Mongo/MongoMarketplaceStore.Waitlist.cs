using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>The waiting list (issue 13): entries in queue order (ascending _id: version-7 ids follow time).</summary>
internal sealed partial class MongoMarketplaceStore
{
    public Task<IReadOnlyList<WaitlistEntry>> ListWaitlistAsync(WaitlistFilter filter, CancellationToken ct = default) =>
        FindAsync<WaitlistEntry>(WaitlistFilterOf(filter), ListQuery.ById, filter.Limit, ct);

    /// <summary>Uses ix_waitlist session+status+_id, or status+heldUntil for overdue holds.</summary>
    internal static BsonDocument WaitlistFilterOf(WaitlistFilter f)
    {
        var filter = new BsonDocument();
        if (f.SessionId is { } session) filter.Add("sessionId", StoredDocuments.Key(session));
        if (f.SchoolId is { } school) filter.Add("schoolId", StoredDocuments.Key(school));
        if (f.Status is { } status) filter.Add("status", status.ToString());
        if (f.HeldBefore is { } held) filter.Add("heldUntil", new BsonDocument("$lt", StoreJson.FormatTime(held)));
        return filter;
    }
}
