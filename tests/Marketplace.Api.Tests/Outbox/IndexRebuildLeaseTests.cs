using System.Net;
using Marketplace.Api.Outbox;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Persistence;
using Marketplace.Core.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Marketplace.Api.Tests.Outbox;

/// <summary>
/// Exactly one instance rebuilds a shared index (first compose up, a template change): two rebuilds at once used to leave
/// the Elasticsearch alias on two indices. The instances here share one store; the index is a stand-in shared by both, as
/// Elasticsearch is, that counts rebuilds and reports itself stale until one has finished.
/// </summary>
public sealed class IndexRebuildLeaseTests : IDisposable
{
    private readonly MarketplaceFactory _factory = new(new Dictionary<string, string?> { ["Marketplace:SeedDemo"] = "false" });

    public IndexRebuildLeaseTests() => _factory.CreateClient().Dispose();

    [Fact]
    public async Task TwoInstancesStartingTogether_OneRebuilds_AndTheOtherWaitsForItThenServesIt()
    {
        var index = new SharedIndex();
        var (a, b) = (Rebuild(index, "instance-a"), Rebuild(index, "instance-b"));

        var both = Task.WhenAll(Task.Run(() => a.RebuildAtStartupAsync(CancellationToken.None)), Task.Run(() => b.RebuildAtStartupAsync(CancellationToken.None)));
        await index.RebuildStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromMilliseconds(2500)); // the other instance asks for the lease meanwhile (every second)
        Assert.Equal(1, index.Rebuilds);
        Assert.False(both.IsCompleted, "the waiting instance went on before the rebuild was done");
        index.Finish.SetResult();
        var rebuilt = await both.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, rebuilt.Count(r => r));
        Assert.Equal(1, index.Rebuilds);
    }

    /// <summary>A rebuild that failed (or whose instance died) leaves the index stale: the next instance to get the lease rebuilds.</summary>
    [Fact]
    public async Task WhenTheRebuildFails_TheWaitingInstanceRebuildsInstead()
    {
        var index = new SharedIndex { FailFirst = true };
        var (a, b) = (Rebuild(index, "instance-a"), Rebuild(index, "instance-b"));

        var first = Task.Run(() => a.RebuildAtStartupAsync(CancellationToken.None));
        await index.RebuildStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = Task.Run(() => b.RebuildAtStartupAsync(CancellationToken.None));
        await Task.Delay(TimeSpan.FromMilliseconds(1200));
        index.Finish.SetResult();

        await Assert.ThrowsAsync<HttpRequestException>(() => first);
        Assert.True(await second.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, index.Rebuilds);
    }

    /// <summary>A rebuild longer than its lease keeps it by renewing it, so no other instance starts a second one meanwhile;
    /// the lease is free again the moment the rebuild ends.</summary>
    [Fact]
    public async Task ARebuildLongerThanItsLease_RenewsIt_AndReleasesItWhenDone()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var index = new SharedIndex();
        var leases = new CountingLeases(_factory.Services.GetRequiredService<ILeases>());
        var lease = "rebuild:" + _factory.Services.GetRequiredService<IndexProjectionConsumer>().Name;

        var rebuilding = Task.Run(() => Rebuild(index, "instance-a", clock, leases).RebuildAsync(CancellationToken.None));
        await index.RebuildStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 1; i <= 6; i++)
        {
            clock.Advance(IndexRebuild.LeaseTime / 3); // each third, a renewal is due
            await WaitAsync(() => leases.Granted >= 1 + i);
            await Task.Delay(50); // the renewal loop waits for its next turn again before the clock moves on
        }
        var takenMeanwhile = await leases.TryAcquireAsync(lease, "instance-b", clock.GetUtcNow(), IndexRebuild.LeaseTime);
        index.Finish.SetResult();
        await rebuilding.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(7, leases.Granted); // taken, then renewed six times
        Assert.False(takenMeanwhile, "another instance took the lease of a rebuild still running (twice its lease time)");
        Assert.True(await leases.TryAcquireAsync(lease, "instance-b", clock.GetUtcNow(), IndexRebuild.LeaseTime));
    }

    /// <summary>A rebuild whose lease another instance took over (its renewal refused) stops, and says another rebuilds.</summary>
    [Fact]
    public async Task ARebuildWhoseLeaseIsTakenOver_Stops_AndIsRefusedAsAnotherInstancesRebuild()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var index = new SharedIndex();
        var leases = new CountingLeases(_factory.Services.GetRequiredService<ILeases>()) { RefuseRenewals = true };

        var rebuilding = Task.Run(() => Rebuild(index, "instance-a", clock, leases).RebuildAsync(CancellationToken.None));
        await index.RebuildStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Advance(IndexRebuild.LeaseTime / 3); // the renewal is due, and refused

        var error = await Assert.ThrowsAsync<Marketplace.Core.Shared.DomainRuleException>(() => rebuilding.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("index-rebuild-running", error.Code);
        Assert.False(index.Finish.Task.IsCompleted, "the rebuild ran to its end although it had lost its lease");
    }

    private static async Task WaitAsync(Func<bool> done)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < until && !done()) await Task.Delay(20);
    }

    /// <summary>The store's leases, counting those granted to instance-a (taken or renewed).</summary>
    private sealed class CountingLeases(ILeases inner) : ILeases
    {
        private int _granted;

        public int Granted => Volatile.Read(ref _granted);

        /// <summary>As if another instance had taken the lease over: instance-a's renewals are refused.</summary>
        public bool RefuseRenewals { get; init; }

        public async Task<bool> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default)
        {
            if (RefuseRenewals && holder == "instance-a" && Granted > 0) return false;
            var granted = await inner.TryAcquireAsync(name, holder, now, duration, ct);
            if (granted && holder == "instance-a") Interlocked.Increment(ref _granted);
            return granted;
        }

        public Task ReleaseAsync(string name, string holder, CancellationToken ct = default) => inner.ReleaseAsync(name, holder, ct);
    }

    public void Dispose() => _factory.Dispose();

    private IndexRebuild Rebuild(IOfferingIndex index, string instance, TimeProvider? clock = null, ILeases? leases = null)
    {
        var services = _factory.Services;
        return new IndexRebuild(services.GetRequiredService<IOutboxFeed>(), services.GetRequiredService<IStoreEpoch>(), index, services.GetRequiredService<OfferingProjection>(),
            services.GetRequiredService<IndexProjectionConsumer>(), leases ?? services.GetRequiredService<ILeases>(), new InstanceId(instance),
            clock ?? TimeProvider.System, NullLogger<IndexRebuild>.Instance);
    }

    /// <summary>One index for every instance, like Elasticsearch behind its alias: stale until a rebuild completes.</summary>
    private sealed class SharedIndex : IOfferingIndex
    {
        private int _rebuilds;
        private volatile bool _current;

        public bool FailFirst { get; init; }
        public int Rebuilds => Volatile.Read(ref _rebuilds);
        public TaskCompletionSource RebuildStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<bool> InitializeAsync(CancellationToken ct = default) => Task.FromResult(!_current);

        private volatile string? _epoch;

        public Task<IndexWatermark> GetWatermarkAsync(CancellationToken ct = default) => Task.FromResult(new IndexWatermark(_epoch, 0));

        public IAsyncEnumerable<IndexedOffering> ListAsync(CancellationToken ct = default) => AsyncEnumerable.Empty<IndexedOffering>();

        public Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct = default) => RebuildAsync(documents, null, ct);

        public async Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, string? storeEpoch, CancellationToken ct = default)
        {
            var attempt = Interlocked.Increment(ref _rebuilds);
            RebuildStarted.TrySetResult();
            var count = 0L;
            await foreach (var _ in documents.WithCancellation(ct)) count++;
            await Finish.Task.WaitAsync(ct);
            if (FailFirst && attempt == 1) throw new HttpRequestException("bulk request rejected (simulated)");
            _epoch = storeEpoch;
            _current = true;
            return count;
        }

        public Task<bool> IsHealthyAsync(CancellationToken ct = default) => Task.FromResult(true);
        public Task UpsertAsync(OfferingDocument document, CancellationToken ct = default) => Task.CompletedTask;
        public Task RemoveAsync(Guid offeringId, long version, CancellationToken ct = default) => Task.CompletedTask;
        public Task<SearchResult> SearchAsync(OfferingQuery query, CancellationToken ct = default) => throw new NotSupportedException();
    }
}

/// <summary>The bureau's rebuild request meets a rebuild another instance is running.</summary>
public sealed class IndexRebuildRequestTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Fact]
    public async Task ARebuildRequestedWhileAnotherInstanceRebuilds_Is409_AndGoesThroughOnceThatIsDone()
    {
        var leases = factory.Services.GetRequiredService<ILeases>();
        var lease = "rebuild:" + factory.Services.GetRequiredService<IndexProjectionConsumer>().Name;
        var bureau = await factory.ClientForAsync("bureau-110105");
        Assert.True(await leases.TryAcquireAsync(lease, "another-instance", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1)));

        var refused = await bureau.PostAsync("/api/admin/search/rebuild", null);
        var problem = await refused.AssertProblemAsync(409);
        await leases.ReleaseAsync(lease, "another-instance");
        var accepted = await bureau.PostAsync("/api/admin/search/rebuild", null);

        Assert.Equal("index-rebuild-running", problem["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
