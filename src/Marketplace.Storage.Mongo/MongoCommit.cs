using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// Applies one <see cref="StoreChanges"/> inside a transaction. Runs again from the start when the driver retries a
/// transient transaction error, so it keeps no state between attempts; domain exceptions abort and propagate as thrown.
/// </summary>
internal sealed class MongoCommit(IMongoDatabase database, IClientSessionHandle session, TimeSpan idempotencyRetention, CancellationToken ct)
{
    public async Task ApplyAsync(StoreChanges changes)
    {
        foreach (var district in changes.Districts)
            await PutDistrictAsync(district);
        foreach (var write in changes.Writes)
            await WriteAsync(write);
        await ChangeSeatsAsync(changes.Seats);
        foreach (var change in changes.SelectionSeats)
            await ChangeSelectionSeatsAsync(change);
        if (changes.Idempotency is { } record)
            await RememberAsync(record);
        if (changes.Events.Count > 0)
            await PublishAsync(changes.Events);
    }

    private IMongoCollection<BsonDocument> Collection(string name) => database.GetCollection<BsonDocument>(name);

    private Task PutDistrictAsync(District district) =>
        Collection(MongoSchema.Districts).ReplaceOneAsync(session, new BsonDocument("_id", district.Code),
            StoredDocuments.ToBson(district, district.Code), new ReplaceOptions { IsUpsert = true }, ct);

    private async Task WriteAsync(DocumentWrite write)
    {
        var document = write.Document;
        if (document is LedgerTransaction && write.Kind != WriteKind.Insert)
            throw new InvalidOperationException("Ledger transactions are never changed or deleted: post a reversal (LedgerTransaction.Reversal).");
        var collection = Collection(DocumentKinds.Of(document.GetType()));
        var filter = MongoRequests.VersionedFilter(document.Id, write.ExpectedVersion);
        if (document is Booking)
        {
            await WriteBookingAsync(write, collection, filter);
            return;
        }
        try
        {
            var applied = write.Kind switch
            {
                WriteKind.Insert => await InsertAsync(collection, document),
                WriteKind.Update => (await collection.ReplaceOneAsync(session, filter, StoredDocuments.ToBson(document), cancellationToken: ct)).MatchedCount,
                _ => (await collection.DeleteOneAsync(session, filter, cancellationToken: ct)).DeletedCount,
            };
            if (applied == 0)
                throw new ConcurrencyConflictException(document.GetType().Name, document.Id);
            if (document is SelectionApplication application)
                await SelectionQueue.WriteAsync(database, session, application, write.Kind, ct);
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            throw DuplicateKeys.Translate(e.WriteError.Message, document.GetType().Name);
        }
    }

    /// <summary>
    /// A booking and its group in the coverage report's rows (<see cref="ReportRows"/>): the replaced or deleted document is read back
    /// by the same request (its report fields only), so the old group is the one the stored booking was counted in.
    /// </summary>
    private async Task WriteBookingAsync(DocumentWrite write, IMongoCollection<BsonDocument> collection, FilterDefinition<BsonDocument> filter)
    {
        var document = write.Document;
        var stored = write.Kind == WriteKind.Delete ? null : StoredDocuments.ToBson(document);
        BsonDocument? before = null;
        try
        {
            switch (write.Kind)
            {
                case WriteKind.Insert:
                    await collection.InsertOneAsync(session, stored!, cancellationToken: ct);
                    break;
                case WriteKind.Update:
                    before = await collection.FindOneAndReplaceAsync(session, filter, stored!,
                        new FindOneAndReplaceOptions<BsonDocument> { Projection = ReportRows.Projection, ReturnDocument = ReturnDocument.Before }, ct)
                        ?? throw new ConcurrencyConflictException(document.GetType().Name, document.Id);
                    break;
                default:
                    before = await collection.FindOneAndDeleteAsync(session, filter,
                        new FindOneAndDeleteOptions<BsonDocument> { Projection = ReportRows.Projection }, ct)
                        ?? throw new ConcurrencyConflictException(document.GetType().Name, document.Id);
                    break;
            }
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            throw DuplicateKeys.Translate(e.WriteError.Message, document.GetType().Name);
        }
        catch (MongoCommandException e) when (e.Code == 11000)
        {
            throw DuplicateKeys.Translate(e.Message, document.GetType().Name);
        }
        var (old, now) = (before is null ? null : ReportRows.Of(before), stored is null ? null : ReportRows.Of(stored));
        if (old is not null && now is not null && old.Id == now.Id && old.Attended == now.Attended) return;
        if (old is not null) await LeaveGroupAsync(old);
        if (now is not null)
            await Collection(ReportRows.Collection).UpdateOneAsync(session, ReportRows.IdFilter(now), ReportRows.Add(now), new UpdateOptions { IsUpsert = true }, ct);
    }

    /// <summary>Counted out of its group; the group deleted once empty, its largest attendance found again if this booking held it.</summary>
    private async Task LeaveGroupAsync(ReportRows.Row row)
    {
        var rows = Collection(ReportRows.Collection);
        var left = await rows.FindOneAndUpdateAsync(session, ReportRows.IdFilter(row), ReportRows.Subtract(row),
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After }, ct);
        if (left is null) return;
        if (left["bookings"].ToInt64() <= 0)
        {
            await rows.DeleteOneAsync(session, ReportRows.IdFilter(row), cancellationToken: ct);
            return;
        }
        var largest = left["maxAttended"].ToInt32();
        if (largest == 0 || (row.Attended ?? 0) < largest) return;
        var found = await Collection(DocumentKinds.Of<Booking>()).Aggregate<BsonDocument>(session, ReportRows.LargestAttended(row), cancellationToken: ct).FirstOrDefaultAsync(ct);
        var max = found is not null && found["max"].IsNumeric ? found["max"].ToInt32() : 0;
        await rows.UpdateOneAsync(session, ReportRows.IdFilter(row), new BsonDocument("$set", new BsonDocument("maxAttended", max)), cancellationToken: ct);
    }

    private async Task<long> InsertAsync(IMongoCollection<BsonDocument> collection, IAggregate document)
    {
        await collection.InsertOneAsync(session, StoredDocuments.ToBson(document), cancellationToken: ct);
        return 1;
    }

    /// <summary>
    /// Every seat change in order. A reservation that does not fit does not stop the others: each one that fails is collected
    /// with the seats its session had left, and then the transaction aborts with all of them.
    /// </summary>
    private async Task ChangeSeatsAsync(IReadOnlyList<SeatChange> changes)
    {
        List<SeatShortfall>? shortfalls = null;
        foreach (var change in changes)
        {
            var left = await ChangeSeatsAsync(change);
            if (left is { } seatsLeft) (shortfalls ??= []).Add(new SeatShortfall(change.SessionId, seatsLeft));
        }
        if (shortfalls is not null) throw new SeatsUnavailableException(shortfalls);
    }

    /// <summary>Null when applied; the seats left when a reservation did not fit.</summary>
    private async Task<int?> ChangeSeatsAsync(SeatChange change)
    {
        var sessions = Collection(DocumentKinds.Of<Session>());
        if (change.Delta < 0)
        {
            var released = await sessions.UpdateOneAsync(session, MongoRequests.ReleaseSeatsFilter(change.SessionId, -change.Delta),
                MongoRequests.ChangeSeatsUpdate(change.Delta), cancellationToken: ct);
            if (released.MatchedCount == 0)
                throw new InvalidOperationException($"Releasing {-change.Delta} seats from session {change.SessionId} would go below zero.");
            return null;
        }

        var reserved = await sessions.FindOneAndUpdateAsync(session, MongoRequests.ReserveSeatsFilter(change.SessionId, change.Delta),
            MongoRequests.ChangeSeatsUpdate(change.Delta), new FindOneAndUpdateOptions<BsonDocument> { Projection = new BsonDocument("_id", 1) }, ct);
        if (reserved is not null) return null;

        var current = await sessions.Find(session, new BsonDocument("_id", StoredDocuments.Key(change.SessionId))).FirstOrDefaultAsync(ct);
        return current is null || current["status"].AsString != nameof(SessionStatus.Scheduled)
            ? 0
            : Math.Max(0, current["capacity"].ToInt32() - current["reserved"].ToInt32());
    }

    private async Task ChangeSelectionSeatsAsync(SelectionSeatChange change)
    {
        var seats = Collection(DocumentKinds.Of<Core.Families.Selection.SelectionSeats>());
        var filter = change.Delta > 0 ? MongoRequests.TakeSelectionSeatsFilter(change.SeatsId, change.Delta)
            : MongoRequests.ReturnSelectionSeatsFilter(change.SeatsId, -change.Delta);
        var result = await seats.UpdateOneAsync(session, filter, MongoRequests.ChangeSelectionSeatsUpdate(change.Delta), cancellationToken: ct);
        if (result.MatchedCount > 0) return;
        if (change.Delta < 0) throw new InvalidOperationException($"Returning {-change.Delta} selection seats of {change.SeatsId} would go below zero.");
        throw new SelectionSeatsUnavailableException(change.SeatsId);
    }

    private async Task RememberAsync(IdempotencyRecord record)
    {
        try
        {
            await Collection(MongoSchema.Idempotency).InsertOneAsync(session, IdempotencyDocuments.ToBson(record, idempotencyRetention), cancellationToken: ct);
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new DuplicateException(IdempotencyRecord.KeyField, "duplicate.idempotency-key");
        }
    }

    /// <summary>
    /// Cursors come from one counter document incremented inside this transaction. Every writer of events updates that
    /// document, so concurrent writers conflict and retry one after another: a cursor is taken only after all lower
    /// cursors have committed, and a feed reader never sees cursor n+1 while n is still to come.
    /// </summary>
    private async Task PublishAsync(IReadOnlyList<OutboxMessage> events)
    {
        var counter = await Collection(MongoSchema.Counters).FindOneAndUpdateAsync(session,
            MongoRequests.OutboxCounterFilter, MongoRequests.OutboxCounterUpdate(events.Count),
            new FindOneAndUpdateOptions<BsonDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, ct);
        var cursor = counter["seq"].ToInt64() - events.Count;
        var documents = events.Select(e => OutboxDocuments.ToBson(e, ++cursor)).ToList();
        try
        {
            await Collection(MongoSchema.Outbox).InsertManyAsync(session, documents, cancellationToken: ct);
        }
        catch (MongoBulkWriteException e) when (e.WriteErrors.Any(w => w.Category == ServerErrorCategory.DuplicateKey))
        {
            throw DuplicateKeys.Translate(e.WriteErrors.First(w => w.Category == ServerErrorCategory.DuplicateKey).Message, "Event");
        }
    }
}
