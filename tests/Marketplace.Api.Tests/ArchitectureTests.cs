using System.Reflection;

namespace Marketplace.Api.Tests;

/// <summary>Dependency arrows point inward: Core knows no infrastructure, adapters know Core only.</summary>
public class ArchitectureTests
{
    private static readonly Assembly Core = typeof(Marketplace.Core.Shared.IMarketplaceStore).Assembly;

    [Fact]
    public void Core_ReferencesOnlyTheBaseLibrary()
    {
        var references = Core.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        var foreign = references.Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib")).ToArray();
        Assert.True(foreign.Length == 0, "Core references " + string.Join(", ", foreign));
    }

    [Theory]
    [InlineData("Marketplace.Storage.Sqlite")]
    [InlineData("Marketplace.Storage.Mongo")]
    [InlineData("Marketplace.Search.Lucene")]
    [InlineData("Marketplace.Search.Elasticsearch")]
    public void Adapter_DependsOnCoreButNotOnOtherAdaptersOrTheHost(string adapter)
    {
        var references = Assembly.Load(adapter).GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Contains("Marketplace.Core", references);
        Assert.DoesNotContain(references, r => r.StartsWith("Marketplace.", StringComparison.Ordinal) && r != "Marketplace.Core");
    }

    [Fact]
    public void Adapters_AreInternal()
    {
        foreach (var name in new[] { "Marketplace.Storage.Sqlite", "Marketplace.Storage.Mongo", "Marketplace.Search.Lucene", "Marketplace.Search.Elasticsearch" })
        {
            var publicImplementations = Assembly.Load(name).GetExportedTypes()
                .Where(t => t.GetInterfaces().Any(i => i.Assembly == Core)).Select(t => t.FullName).ToArray();
            Assert.True(publicImplementations.Length == 0, $"{name} exposes port implementations: {string.Join(", ", publicImplementations)}");
        }
    }
}
