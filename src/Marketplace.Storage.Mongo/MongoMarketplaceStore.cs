using System.Runtime.CompilerServices;
using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using MongoDB.Bson;
using MongoDB.Driver;
using BookingAggregate = Marketplace.Core.Bookings.Booking;

namespace Marketplace.Storage.Mongo;

/// <summary>The production store: one BSON document per aggregate, multi-document transactions on a replica set.</summary>
internal sealed partial class MongoMarketplaceStore : IMarketplaceStore, IOutboxFeed, IDisposable
{
    private const int PageSize = 500;
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(2);

    // Snapshot + majority/journal: weaker settings lost acknowledged writes in Jepsen's tests.
    private static readonly TransactionOptions Transaction = new(
        readConcern: ReadConcern.Snapshot, readPreference: ReadPreference.Primary, writeConcern: WriteConcern.WMajority.With(journal: true));

    private static readonly BsonDocument ById = new("_id", 1);
    private static readonly BsonDocument ByStart = new() { { "startsAt", 1 }, { "_id", 1 } };

    private readonly MongoClient _client;
    private readonly IMongoDatabase _database;
    private readonly ICommitObserver[] _observers;
    private readonly TimeSpan _idempotencyRetention;
    private readonly EventCommitGate _eventCommits = new();

    public MongoMarketplaceStore(MongoStoreOptions options, IEnumerable<ICommitObserver>? observers = null)
    {
        _observers = observers?.ToArray() ?? [];
        _idempotencyRetention = options.IdempotencyRetention;
        var settings = MongoClientSettings.FromConnectionString(options.ConnectionString);
        settings.ReadConcern = ReadConcern.Majority;
        settings.WriteConcern = WriteConcern.WMajority.With(journal: true);
        settings.ServerSelectionTimeout = options.ServerSelectionTimeout;
        _client = new MongoClient(settings);
        _database = _client.GetDatabase(options.Database);
    }

    public void Dispose()
    {
        _client.Dispose();
        _eventCommits.Dispose();
    }

    /// <summary>Refuses a server that cannot run transactions (<see cref="MongoTopology"/>), then creates collections and indexes.</summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var hello = await _client.GetDatabase("admin").RunCommandAsync<BsonDocument>(MongoTopology.HelloCommand, cancellationToken: ct);
        MongoTopology.RequireTransactions(hello);
        await MongoSchema.ApplyAsync(_database, ct);
        await FillReportRowsAsync(ct);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Health: any failure to answer a ping is 'unhealthy', never an error of the probe.")]
    public async Task<bool> IsHealthyAsync(CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(HealthTimeout);
        try
        {
            await _database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: timeout.Token);
            return true;
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public async Task CommitAsync(StoreChanges changes, CancellationToken ct = default)
    {
        if (changes.IsEmpty) return;
        await _eventCommits.RunAsync(changes, async () =>
        {
            using var session = await _client.StartSessionAsync(cancellationToken: ct);
            await session.WithTransactionAsync(async (s, token) =>
            {
                await new MongoCommit(_database, s, _idempotencyRetention, token).ApplyAsync(changes);
                return true;
            }, Transaction, ct);
        }, ct);
        if (changes.Events.Count > 0) Array.ForEach(_observers, o => o.EventsCommitted());
    }

    public async Task<T?> FindAsync<T>(Guid id, CancellationToken ct = default) where T : class, IAggregate =>
        (await FindAsync<T>(Eq("_id", id), null, 1, ct)).FirstOrDefault();

    public Task<IReadOnlyList<T>> FindManyAsync<T>(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) where T : class, IAggregate =>
        ids.Count == 0 ? Task.FromResult<IReadOnlyList<T>>([]) : FindAsync<T>(In("_id", ids), null, null, ct);

    public async Task<User?> FindUserAsync(string username, CancellationToken ct = default) =>
        (await FindAsync<User>(new BsonDocument("username", User.NormalizeUsername(username)), null, 1, ct)).FirstOrDefault();

    public async Task<Provider?> FindProviderByCreditCodeAsync(string creditCode, CancellationToken ct = default) =>
        (await FindAsync<Provider>(new BsonDocument("creditCode", CreditCode.Normalize(creditCode)), null, 1, ct)).FirstOrDefault();

    public Task<IReadOnlyList<Offering>> ListOfferingsAsync(Guid? providerId, OfferingStatus? status, CancellationToken ct = default)
    {
        var filter = new BsonDocument();
        if (providerId is { } p) filter.Add("providerId", StoredDocuments.Key(p));
        if (status is { } s) filter.Add("status", s.ToString());
        return FindAsync<Offering>(filter, ById, null, ct);
    }

    public async IAsyncEnumerable<Offering> StreamOfferingsAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var filter = new BsonDocument();
        while (true)
        {
            var page = await Collection<Offering>().Find(filter).Sort(ById).Limit(PageSize).ToListAsync(ct);
            foreach (var document in page)
                yield return StoredDocuments.FromBson<Offering>(document);
            if (page.Count < PageSize) yield break;
            filter = new BsonDocument("_id", new BsonDocument("$gt", page[^1]["_id"]));
        }
    }

    public Task<IReadOnlyList<Session>> ListSessionsForOfferingsAsync(IReadOnlyCollection<Guid> offeringIds, DateTimeOffset endsAfter, CancellationToken ct = default)
    {
        if (offeringIds.Count == 0) return Task.FromResult<IReadOnlyList<Session>>([]);
        var filter = In("offeringId", offeringIds).Add("endsAt", new BsonDocument("$gt", StoreJson.FormatTime(endsAfter)));
        return FindAsync<Session>(filter, ByStart, null, ct);
    }

    public Task<IReadOnlyList<School>> ListSchoolsAsync(CancellationToken ct = default) =>
        FindAsync<School>(new BsonDocument(), ById, null, ct);

    public async Task<SchoolPlan?> FindSchoolPlanAsync(Guid schoolId, string semester, CancellationToken ct = default) =>
        (await FindAsync<SchoolPlan>(Eq("schoolId", schoolId).Add("semester", semester), null, 1, ct)).FirstOrDefault();

    public Task<IReadOnlyList<BookingAggregate>> ListBookingsAsync(BookingFilter filter, CancellationToken ct = default) =>
        FindAsync<BookingAggregate>(BookingQuery.Filter(filter), BookingQuery.NewestFirst, filter.Limit, ct);

    public async Task<long> SumCommittedFenAsync(Guid schoolId, DateTimeOffset startsFrom, DateTimeOffset startsBefore, CancellationToken ct = default)
    {
        var result = await Collection<BookingAggregate>().Aggregate<BsonDocument>(BookingQuery.CommittedFen(schoolId, startsFrom, startsBefore), cancellationToken: ct)
            .FirstOrDefaultAsync(ct);
        return result is null ? 0 : result["fen"].ToInt64();
    }

    public async Task<int> CountBookingsForSessionAsync(Guid sessionId, CancellationToken ct = default) =>
        (int)await Collection<BookingAggregate>().CountDocumentsAsync(Eq("sessionId", sessionId), cancellationToken: ct);

    public async Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken ct = default)
    {
        var documents = await _database.GetCollection<BsonDocument>(MongoSchema.Districts).Find(new BsonDocument()).Sort(ById).ToListAsync(ct);
        return documents.Select(StoredDocuments.FromBson<District>).ToList();
    }

    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string scope, string key, CancellationToken ct = default)
    {
        var document = await _database.GetCollection<BsonDocument>(MongoSchema.Idempotency)
            .Find(new BsonDocument("_id", IdempotencyDocuments.Key(scope, key))).FirstOrDefaultAsync(ct);
        return document is null ? null : IdempotencyDocuments.FromBson(document);
    }

    public async Task<IReadOnlyList<OutboxMessage>> ReadEventsAsync(long afterCursor, IReadOnlyCollection<string>? audiences, int limit, CancellationToken ct = default)
    {
        var documents = await _database.GetCollection<BsonDocument>(MongoSchema.Outbox)
            .Find(MongoRequests.EventsFilter(afterCursor, audiences)).Sort(new BsonDocument("cursor", 1)).Limit(limit).ToListAsync(ct);
        return documents.Select(OutboxDocuments.FromBson).ToList();
    }

    public async Task<long> GetLatestCursorAsync(CancellationToken ct = default)
    {
        var newest = await _database.GetCollection<BsonDocument>(MongoSchema.Outbox)
            .Find(new BsonDocument()).Sort(new BsonDocument("cursor", -1)).Limit(1).FirstOrDefaultAsync(ct);
        return newest?["cursor"].ToInt64() ?? 0;
    }

    public async Task<long> GetCheckpointAsync(string consumer, CancellationToken ct = default)
    {
        var document = await _database.GetCollection<BsonDocument>(MongoSchema.Checkpoints).Find(new BsonDocument("_id", consumer)).FirstOrDefaultAsync(ct);
        return document?["cursor"].ToInt64() ?? 0;
    }

    public Task ResetCheckpointAsync(string consumer, long cursor, CancellationToken ct = default) =>
        _database.GetCollection<BsonDocument>(MongoSchema.Checkpoints).UpdateOneAsync(
            new BsonDocument("_id", consumer), MongoRequests.MoveCheckpointUpdate(cursor), new UpdateOptions { IsUpsert = true }, ct);

    /// <summary>Compare-and-set on the checkpoint document; an upsert racing another instance loses on the unique _id.</summary>
    public async Task<bool> TryAdvanceCheckpointAsync(string consumer, long expected, long next, CancellationToken ct = default)
    {
        var filter = expected == 0
            ? new BsonDocument { { "_id", consumer }, { "cursor", new BsonDocument("$in", new BsonArray { 0L, BsonNull.Value }) } }
            : new BsonDocument { { "_id", consumer }, { "cursor", expected } };
        try
        {
            var result = await _database.GetCollection<BsonDocument>(MongoSchema.Checkpoints).UpdateOneAsync(
                filter, MongoRequests.MoveCheckpointUpdate(next), new UpdateOptions { IsUpsert = expected == 0 }, ct);
            return result.MatchedCount == 1 || result.UpsertedId is not null;
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    private static BsonDocument Eq(string field, Guid id) => new(field, StoredDocuments.Key(id));

    private static BsonDocument In(string field, IEnumerable<Guid> ids) =>
        new(field, new BsonDocument("$in", new BsonArray(ids.Select(StoredDocuments.Key))));

    private IMongoCollection<BsonDocument> Collection<T>() => _database.GetCollection<BsonDocument>(DocumentKinds.Of<T>());

    private async Task<IReadOnlyList<T>> FindAsync<T>(BsonDocument filter, BsonDocument? sort, int? limit, CancellationToken ct)
    {
        var find = Collection<T>().Find(filter);
        if (sort is not null) find = find.Sort(sort);
        if (limit is { } n) find = find.Limit(n);
        var documents = await find.ToListAsync(ct);
        return documents.Select(StoredDocuments.FromBson<T>).ToList();
    }
}
