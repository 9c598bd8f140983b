using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>Marketplace:Synonyms replaces the default synonym groups; a changed list makes the embedded index rebuild at start-up.</summary>
public sealed class SynonymConfigurationTests
{
    private const string Soccer = "英式足球";

    [Fact]
    public async Task ConfiguredSynonyms_AreSearchable_AndAChangeRebuildsTheExistingIndex()
    {
        // A data folder of the test's own (each factory deletes only the folder it generated itself).
        var dataDirectory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        var pointer = Path.Combine(dataDirectory, "index", "current");
        try
        {
            string generationBefore;
            using (var before = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:DataDirectory"] = dataDirectory }))
            {
                Assert.True(await TotalAsync(before, "足球") > 0);
                Assert.Equal(0, await TotalAsync(before, Soccer)); // not a synonym of 足球 by default
                generationBefore = File.ReadAllText(pointer);
            }

            // Same data folder (store and index kept), new synonyms: the index written with the old list is rebuilt.
            using var after = new MarketplaceFactory(new Dictionary<string, string?>
            {
                ["Marketplace:DataDirectory"] = dataDirectory,
                ["Marketplace:Synonyms:0"] = "足球," + Soccer,
            });
            var football = await TotalAsync(after, "足球");
            Assert.True(football > 0);
            Assert.Equal(football, await TotalAsync(after, Soccer));
            Assert.NotEqual(generationBefore, File.ReadAllText(pointer));
        }
        finally
        {
            try { Directory.Delete(dataDirectory, recursive: true); }
            catch (IOException) { /* still held open; the temp folder is cleaned by the OS */ }
        }
    }

    [Theory]
    [InlineData("足球")]
    [InlineData("足球, ")]
    [InlineData("足球,足球")]
    public void AGroupOfFewerThanTwoWords_IsRefused(string group)
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:Synonyms:0"] = group });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Marketplace:Synonyms:0 must name at least two different words", error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<long> TotalAsync(MarketplaceFactory factory, string text) =>
        (await factory.CreateClient().GetJsonAsync("/api/search/offerings?q=" + Uri.EscapeDataString(text)))["total"]!.GetValue<long>();
}
