using Marketplace.Core.Search;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>A fresh, initialised offering index; disposing it removes its data.</summary>
public interface IIndexUnderTest : IAsyncDisposable
{
    IOfferingIndex Index { get; }
}
