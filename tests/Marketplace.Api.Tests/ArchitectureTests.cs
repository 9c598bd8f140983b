using System.Reflection;
using NetArchTest.Rules;

namespace Marketplace.Api.Tests;

/// <summary>
/// Dependency arrows point inward and one way (docs/architecture.md, "Module map"): Core knows no infrastructure,
/// adapters know Core only, the kernel knows no module, Catalog knows nothing of bookings, endpoints reach the store
/// only through use cases.
/// </summary>
public class ArchitectureTests
{
    private const string Core = "Marketplace.Core";
    private static readonly Assembly CoreAssembly = typeof(Marketplace.Core.Persistence.IMarketplaceStore).Assembly;
    private static readonly Assembly ApiAssembly = typeof(Marketplace.Api.Configuration.MarketplaceSettings).Assembly;

    private static readonly string[] Modules =
        [$"{Core}.Catalog", $"{Core}.Schools", $"{Core}.Bookings", $"{Core}.Identity", $"{Core}.Search", $"{Core}.Feed", $"{Core}.Persistence"];

    [Fact]
    public void Core_ReferencesOnlyTheBaseLibrary()
    {
        var references = CoreAssembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        var foreign = references.Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib")).ToArray();
        Assert.True(foreign.Length == 0, "Core references " + string.Join(", ", foreign));
    }

    [Fact]
    public void Shared_IsAKernel_ThatReferencesNoModule() =>
        AssertNone(Types.InAssembly(CoreAssembly).That().ResideInNamespace($"{Core}.Shared").Should().NotHaveDependencyOnAny(Modules));

    [Fact]
    public void Catalog_DoesNotReferenceBookingsSchoolsSearchOrTheFeed() =>
        AssertNone(Types.InAssembly(CoreAssembly).That().ResideInNamespace($"{Core}.Catalog")
            .Should().NotHaveDependencyOnAny($"{Core}.Bookings", $"{Core}.Schools", $"{Core}.Search", $"{Core}.Feed"));

    [Fact]
    public void Schools_AndIdentity_DoNotReferenceBookingsOrSearch() =>
        AssertNone(Types.InAssembly(CoreAssembly).That().ResideInNamespace($"{Core}.Schools").Or().ResideInNamespace($"{Core}.Identity")
            .Should().NotHaveDependencyOnAny($"{Core}.Bookings", $"{Core}.Search", $"{Core}.Feed"));

    /// <summary>Issue 18: families build on schools, identity and bookings; none of those (nor catalog, search, settlement) knows of pupils.</summary>
    [Fact]
    public void Families_IsReferencedByNoOtherModule_ButTheStorePort() =>
        AssertNone(Types.InAssembly(CoreAssembly).That().ResideInNamespace($"{Core}.Catalog").Or().ResideInNamespace($"{Core}.Schools")
            .Or().ResideInNamespace($"{Core}.Bookings").Or().ResideInNamespace($"{Core}.Identity").Or().ResideInNamespace($"{Core}.Search")
            .Or().ResideInNamespace($"{Core}.Settlement").Or().ResideInNamespace($"{Core}.Feed")
            .Should().NotHaveDependencyOn($"{Core}.Families"));

    [Fact]
    public void UseCases_ReadTheOutboxOnlyThroughTheFeedModule() =>
        AssertNone(Types.InAssembly(CoreAssembly).That().ResideInNamespace($"{Core}.Catalog").Or().ResideInNamespace($"{Core}.Schools")
            .Or().ResideInNamespace($"{Core}.Bookings").Or().ResideInNamespace($"{Core}.Identity").Or().ResideInNamespace($"{Core}.Search")
            .Should().NotHaveDependencyOn($"{Core}.Persistence.IOutboxFeed"));

    /// <summary>Endpoints, the hub and their compiler-generated closures call use cases; only those touch the ports.</summary>
    [Fact]
    public void Endpoints_DoNotTouchTheStoreDirectly()
    {
        AssertNone(Types.InAssembly(ApiAssembly).That().HaveNameEndingWith("Endpoints").Or().HaveNameEndingWith("Hub")
            .Should().NotHaveDependencyOnAny($"{Core}.Persistence.IMarketplaceStore", $"{Core}.Persistence.IOutboxFeed", $"{Core}.Persistence.StoreChanges",
                $"{Core}.Persistence.ILeases", $"{Core}.Persistence.IStoreRetention"));
    }

    [Theory]
    [InlineData("Marketplace.Storage.Sqlite")]
    [InlineData("Marketplace.Storage.Mongo")]
    [InlineData("Marketplace.Search.Lucene")]
    [InlineData("Marketplace.Search.Elasticsearch")]
    [InlineData("Marketplace.Payments.Stripe")]
    public void Adapter_DependsOnCoreButNotOnOtherAdaptersOrTheHost(string adapter)
    {
        var references = Assembly.Load(adapter).GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.Contains(Core, references);
        Assert.DoesNotContain(references, r => r.StartsWith("Marketplace.", StringComparison.Ordinal) && r != Core);
    }

    [Fact]
    public void Adapters_AreInternal()
    {
        foreach (var name in new[] { "Marketplace.Storage.Sqlite", "Marketplace.Storage.Mongo", "Marketplace.Search.Lucene", "Marketplace.Search.Elasticsearch", "Marketplace.Payments.Stripe" })
        {
            var publicImplementations = Assembly.Load(name).GetExportedTypes()
                .Where(t => t.GetInterfaces().Any(i => i.Assembly == CoreAssembly)).Select(t => t.FullName).ToArray();
            Assert.True(publicImplementations.Length == 0, $"{name} exposes port implementations: {string.Join(", ", publicImplementations)}");
        }
    }

    private static void AssertNone(ConditionList rule)
    {
        var result = rule.GetResult();
        Assert.True(result.IsSuccessful, "Forbidden dependencies in: " + string.Join(", ", result.FailingTypeNames ?? []));
    }
}
