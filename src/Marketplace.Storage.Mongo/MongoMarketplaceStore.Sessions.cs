using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;
using BookingAggregate = Marketplace.Core.Bookings.Booking;

namespace Marketplace.Storage.Mongo;

/// <summary>Sessions and the bookings of an offering, for paused offerings and underfilled sessions.</summary>
internal sealed partial class MongoMarketplaceStore
{
    private static readonly BsonArray LiveStatuses = [BookingStatus.Requested.ToString(), BookingStatus.Confirmed.ToString()];

    /// <summary>The school's bookings (ix_school), one match is enough.</summary>
    public async Task<bool> HasLiveBookingAsync(Guid schoolId, Guid offeringId, CancellationToken ct = default) =>
        await Collection<BookingAggregate>().Find(LiveBookingsOf(offeringId).Add("schoolId", StoredDocuments.Key(schoolId))).Limit(1).AnyAsync(ct);

    /// <summary>Through the offering's sessions (ix_offering_startsAt) to their bookings (ix_session): no index on the booking's offering is needed.</summary>
    public async Task<IReadOnlyList<Guid>> ListSchoolsWithLiveBookingsAsync(Guid offeringId, int limit, CancellationToken ct = default)
    {
        var sessions = await Collection<Session>().Find(Eq("offeringId", offeringId)).Project(new BsonDocument("_id", 1)).ToListAsync(ct);
        if (sessions.Count == 0) return [];
        var filter = new BsonDocument("sessionId", new BsonDocument("$in", new BsonArray(sessions.Select(s => s["_id"]))))
            .Add("status", new BsonDocument("$in", LiveStatuses));
        using var cursor = await Collection<BookingAggregate>().DistinctAsync<string>("schoolId", filter, cancellationToken: ct);
        return (await cursor.ToListAsync(ct)).Order(StringComparer.Ordinal).Take(limit).Select(Guid.Parse).ToList();
    }

    public Task<IReadOnlyList<Session>> ListSessionsStartingAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct = default) =>
        FindAsync<Session>(new BsonDocument("status", nameof(SessionStatus.Scheduled))
            .Add("startsAt", new BsonDocument { { "$gte", StoreJson.FormatTime(from) }, { "$lt", StoreJson.FormatTime(to) } }), ByStart, limit, ct);

    private static BsonDocument LiveBookingsOf(Guid offeringId) =>
        Eq("offeringId", offeringId).Add("status", new BsonDocument("$in", LiveStatuses));
}
