using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

public interface IStoreUnderTest : IAsyncDisposable
{
    IMarketplaceStore Store { get; }
}
