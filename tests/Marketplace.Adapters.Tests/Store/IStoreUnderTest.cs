using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

public interface IStoreUnderTest : IAsyncDisposable
{
    IMarketplaceStore Store { get; }

    /// <summary>The same adapter's outbox feed.</summary>
    IOutboxFeed Feed => (IOutboxFeed)Store;
}
