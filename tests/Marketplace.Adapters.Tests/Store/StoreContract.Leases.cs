using Marketplace.Core.Persistence;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>Leases: of several instances exactly one holds a name; it renews, runs out, or is released.</summary>
public abstract partial class StoreContract
{
    private static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Lease_OfEightParallelCallers_ExactlyOneGetsIt_AndTheOthersOnlyOnceItRanOut()
    {
        await using var db = await CreateAsync();
        var leases = (ILeases)db.Store;
        var start = DateTimeOffset.UtcNow;

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => leases.TryAcquireAsync("rebuild:index", $"instance-{i}", start, LeaseTime))));
        var winner = $"instance-{Array.IndexOf(claims, true)}";
        var loser = winner == "instance-0" ? "instance-1" : "instance-0";

        Assert.Equal(1, claims.Count(won => won));
        Assert.True(await leases.TryAcquireAsync("rebuild:index", winner, start.AddSeconds(20), LeaseTime)); // renewed: until start + 50 s
        Assert.False(await leases.TryAcquireAsync("rebuild:index", loser, start.AddSeconds(40), LeaseTime));
        Assert.True(await leases.TryAcquireAsync("other-job", loser, start.AddSeconds(40), LeaseTime)); // names are independent
        Assert.True(await leases.TryAcquireAsync("rebuild:index", loser, start.AddSeconds(50), LeaseTime)); // ran out: taken over
        Assert.False(await leases.TryAcquireAsync("rebuild:index", winner, start.AddSeconds(51), LeaseTime));
    }

    [SkippableFact]
    public async Task Lease_ThatRanOut_IsTakenOverByExactlyOneOfEightParallelCallers()
    {
        await using var db = await CreateAsync();
        var leases = (ILeases)db.Store;
        var start = DateTimeOffset.UtcNow;
        Assert.True(await leases.TryAcquireAsync("outbox:index", "crashed", start, LeaseTime));

        var later = start + LeaseTime + TimeSpan.FromSeconds(1);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => leases.TryAcquireAsync("outbox:index", $"instance-{i}", later, LeaseTime))));

        Assert.Equal(1, claims.Count(won => won));
    }

    [SkippableFact]
    public async Task Lease_ReleasedByItsHolder_IsFreeAtOnce_AndAReleaseByAnotherChangesNothing()
    {
        await using var db = await CreateAsync();
        var leases = (ILeases)db.Store;
        var now = DateTimeOffset.UtcNow;
        Assert.True(await leases.TryAcquireAsync("rebuild:index", "a", now, LeaseTime));

        await leases.ReleaseAsync("rebuild:index", "b");
        Assert.False(await leases.TryAcquireAsync("rebuild:index", "b", now, LeaseTime));
        await leases.ReleaseAsync("rebuild:index", "a");
        Assert.True(await leases.TryAcquireAsync("rebuild:index", "b", now, LeaseTime));
        await leases.ReleaseAsync("never-taken", "a");
    }
}
