namespace Marketplace.Adapters.Tests.Search;

/// <summary>A temporary folder per test class, one sub-folder per index, deleted when the class is done.</summary>
public sealed class TempIndexFolder : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "marketplace-search-tests", Guid.NewGuid().ToString("N"));

    public string NewSubfolder() => Path.Combine(Root, Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
