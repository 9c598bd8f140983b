using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using Marketplace.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>
/// The SQLite adapter's group commit: change sets queued while the writer is busy share one transaction, each in its own
/// savepoint. The tests hold the write gate so that the queued change sets are known to land in ONE batch.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "marketplace-group-commit-tests", Guid.NewGuid().ToString("N"));
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteMarketplaceStore _store = null!;

    private string DatabasePath => Path.Combine(_folder, "test.db");

    public async Task InitializeAsync()
    {
        _store = new SqliteMarketplaceStore(Options.Create(new SqliteStoreOptions { DatabasePath = DatabasePath }), []);
        await _store.InitializeAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ABatch_WithFailingChangeSets_RollsBackOnlyThose_AndCommitsTheRestInOneTransaction()
    {
        var session = MongoSamples.Session(Ids.New(), Ids.New(), capacity: 2);
        var offering = MongoSamples.Offering(Ids.New());
        var record = new IdempotencyRecord("booking", "key-taken", "hash", Guid.NewGuid(), "{}", MongoSamples.Now);
        await _store.CommitAsync(new StoreChanges().Insert(session).Insert(offering).Remember(record));
        var stale = (await _store.FindAsync<Offering>(offering.Id))!;
        stale.Submit(MongoSamples.Now);
        var group = new SqliteGroupCommit(OpenForWrite(), _gate);
        var (first, second, third) = (Booked(session), Booked(session), Booked(session));
        var school = MongoSamples.School();

        await _gate.WaitAsync();
        var commits = new[]
        {
            group.CommitAsync(first.Changes, default),
            group.CommitAsync(second.Changes, default),
            group.CommitAsync(third.Changes, default), // the session is full by now
            group.CommitAsync(new StoreChanges().Insert(MongoSamples.School()).Remember(record), default),
            group.CommitAsync(new StoreChanges().Update(stale, expectedVersion: 7), default),
            group.CommitAsync(new StoreChanges().Insert(school), default),
        };
        Assert.All(commits, c => Assert.False(c.IsCompleted));
        _gate.Release();
        await Task.WhenAny(Task.WhenAll(commits));

        Assert.Equal(1, group.Transactions);
        Assert.True(commits[0].IsCompletedSuccessfully && commits[1].IsCompletedSuccessfully && commits[5].IsCompletedSuccessfully);
        Assert.Equal(0, (await Assert.ThrowsAsync<SeatsUnavailableException>(() => commits[2])).SeatsLeft);
        Assert.Equal(IdempotencyRecord.KeyField, (await Assert.ThrowsAsync<DuplicateException>(() => commits[3])).Field);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => commits[4]);
        Assert.Equal(2, (await _store.FindAsync<Session>(session.Id))!.Reserved);
        Assert.Equal(2, await _store.CountBookingsForSessionAsync(session.Id));
        Assert.Null(await _store.FindAsync<Booking>(third.Booking.Id));
        Assert.Null(await _store.FindIdempotencyAsync("booking", third.Key));
        Assert.NotNull(await _store.FindAsync<School>(school.Id));
        Assert.Equal(1, (await _store.FindAsync<Offering>(offering.Id))!.Version);
        // Only the two bookings' events were stored, with consecutive cursors: the rolled-back ones left no trace.
        var events = await _store.ReadEventsAsync(0, null, 100);
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Cursor));
        Assert.DoesNotContain(events, e => e.Data.Contains(third.Booking.Id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailingCommit_FailsEveryCallerOfTheBatch_AndStoresNothingOfIt()
    {
        // A deferred foreign key is checked at COMMIT only: inserting a school named "poison" makes the COMMIT itself fail.
        Execute("""
            CREATE TABLE guard_parent (id TEXT PRIMARY KEY);
            CREATE TABLE guard_child (ref TEXT REFERENCES guard_parent (id) DEFERRABLE INITIALLY DEFERRED);
            CREATE TRIGGER poison AFTER INSERT ON schools WHEN json_extract(NEW.doc, '$.name') = 'poison'
            BEGIN INSERT INTO guard_child VALUES ('nobody'); END;
            """);
        var group = new SqliteGroupCommit(OpenForWrite(foreignKeys: true), _gate);
        var (before, poison, after) = (MongoSamples.School(), new School(Ids.New(), "poison", "310104", "-", 0, 0, new Dictionary<int, int>()), MongoSamples.School());
        var session = MongoSamples.Session(Ids.New(), Ids.New(), capacity: 0);
        await _store.CommitAsync(new StoreChanges().Insert(session));

        await _gate.WaitAsync();
        var commits = new[] { before, poison, after }.Select(s => group.CommitAsync(new StoreChanges().Insert(s), default))
            .Append(group.CommitAsync(new StoreChanges().ReserveSeats(session.Id, 1), default)) // refused inside the batch
            .ToArray();
        _gate.Release();
        await Task.WhenAny(Task.WhenAll(commits));

        Assert.All(commits, c => Assert.Contains("FOREIGN KEY", Assert.IsType<SqliteException>(c.Exception?.InnerException).Message, StringComparison.Ordinal));
        Assert.Equal(0, group.Transactions);
        foreach (var school in new[] { before, poison, after }) Assert.Null(await _store.FindAsync<School>(school.Id));

        // The writer goes on: the next batch commits.
        var next = MongoSamples.School();
        await group.CommitAsync(new StoreChanges().Insert(next), default);
        Assert.NotNull(await _store.FindAsync<School>(next.Id));
    }

    [Fact]
    public async Task ACallerCancelledWhileQueued_IsCancelled_AndItsChangesAreNotWritten()
    {
        var group = new SqliteGroupCommit(OpenForWrite(), _gate);
        var (kept, dropped) = (MongoSamples.School(), MongoSamples.School());
        using var cancel = new CancellationTokenSource();

        await _gate.WaitAsync();
        var keep = group.CommitAsync(new StoreChanges().Insert(kept), default);
        var drop = group.CommitAsync(new StoreChanges().Insert(dropped), cancel.Token);
        await cancel.CancelAsync();
        _gate.Release();

        await keep;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => drop);
        Assert.NotNull(await _store.FindAsync<School>(kept.Id));
        Assert.Null(await _store.FindAsync<School>(dropped.Id));
    }

    [Fact]
    public async Task ManyParallelBookings_ThroughTheStore_SellExactlyTheCapacity_InFewerTransactions()
    {
        var sessions = Enumerable.Range(0, 5).Select(_ => MongoSamples.Session(Ids.New(), Ids.New(), capacity: 10)).ToArray();
        var setup = new StoreChanges();
        foreach (var s in sessions) setup.Insert(s);
        await _store.CommitAsync(setup);
        var group = new SqliteGroupCommit(OpenForWrite(), _gate, maxBatch: 16);

        // All 200 wait at one gate and are let go together: on a loaded machine (the browser tests beside this one), tasks
        // started one by one could each find the writer idle and commit alone, which would say nothing about batching.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            var booked = Booked(sessions[i % sessions.Length]);
            try
            {
                await group.CommitAsync(booked.Changes, default);
                return (booked.Booking.SessionId, Created: true);
            }
            catch (SeatsUnavailableException)
            {
                return (booked.Booking.SessionId, Created: false);
            }
        })).ToArray();
        gate.SetResult();
        var outcomes = await Task.WhenAll(attempts);

        foreach (var s in sessions)
        {
            Assert.Equal(10, outcomes.Count(o => o.SessionId == s.Id && o.Created));
            Assert.Equal(10, (await _store.FindAsync<Session>(s.Id))!.Reserved);
            Assert.Equal(10, await _store.CountBookingsForSessionAsync(s.Id));
        }
        Assert.Equal(100, (await _store.ReadEventsAsync(0, null, 1000)).Count);
        Assert.InRange(group.Transactions, 1, outcomes.Length - 1); // ~60 here: requests that arrive while a batch is written share the next
    }

    [Fact]
    public async Task AWriterOfAnotherConnection_HoldingTheLock_IsWaitedFor_ThenTheBatchCommits()
    {
        var school = MongoSamples.School();
        using var other = OpenForWrite()();
        using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }

        var commit = Task.Run(() => _store.CommitAsync(new StoreChanges().Insert(school)));
        await Task.Delay(300);
        Assert.False(commit.IsCompleted);
        using (var end = other.CreateCommand())
        {
            end.CommandText = "COMMIT";
            end.ExecuteNonQuery();
        }

        await commit.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.NotNull(await _store.FindAsync<School>(school.Id));
    }

    /// <summary>A booking's change set, shaped as CreateBookingHandler builds it.</summary>
    private static (Booking Booking, string Key, StoreChanges Changes) Booked(Session session)
    {
        var booking = MongoSamples.Booking(session, Ids.New());
        var key = Ids.New().ToString("N");
        var changes = new StoreChanges().Insert(booking).ReserveSeats(session.Id, 1)
            .Remember(new IdempotencyRecord("booking", key, "hash", Guid.NewGuid(), "{}", MongoSamples.Now))
            .Publish(BookingEvents.Changed(booking, null, MongoSamples.Now))
            .Publish(CatalogEvents.AvailabilityChanged(session.OfferingId, session.Id, session.ProviderId, MongoSamples.Now));
        return (booking, key, changes);
    }

    private Func<SqliteConnection> OpenForWrite(bool foreignKeys = false) => () =>
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, ForeignKeys = foreignKeys }.ToString());
        connection.Open();
        return connection;
    };

    private void Execute(string sql)
    {
        using var connection = OpenForWrite()();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
