using Marketplace.Core.Persistence;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>The store epoch (issue 17): written once at creation, kept by every start, replaced by a restore.</summary>
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task Epoch_IsKeptByAnotherInitialise_AndReplacedOnlyByMarkRestored()
    {
        await using var db = await CreateAsync();
        var epochs = (IStoreEpoch)db.Store;
        var created = await epochs.GetEpochAsync();
        Assert.Matches("^[0-9a-f]{32}$", created);

        await db.Store.InitializeAsync(); // every start runs it again
        Assert.Equal(created, await epochs.GetEpochAsync());

        var restored = await epochs.MarkRestoredAsync();
        Assert.NotEqual(created, restored);
        Assert.Equal(restored, await epochs.GetEpochAsync());
    }
}
