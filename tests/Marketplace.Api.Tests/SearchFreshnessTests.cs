using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Search;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests;

/// <summary>The index follows the store through the outbox: every kind of change is searchable within 2 s.</summary>
[Collection(TimingCollection.Name)]
public class SearchFreshnessTests(FlakyIndexFactory factory) : IClassFixture<FlakyIndexFactory>
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(2);

    private async Task<JsonNode?> FindAsync(string title)
    {
        var result = await factory.CreateClient().GetJsonAsync("/api/search/offerings?q=" + Uri.EscapeDataString(title));
        return result["items"]!.AsArray().FirstOrDefault(i => i!["title"]!.GetValue<string>() == title);
    }

    private async Task<JsonNode> Until(Func<Task<JsonNode?>> probe, TimeSpan? timeout = null)
    {
        try
        {
            return await BookingTests.WaitForAsync(probe, timeout ?? Fresh);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} (at {DateTimeOffset.UtcNow:HH:mm:ss.fff} UTC); {factory.Warnings}", e);
        }
    }

    private async Task<(HttpClient Provider, Guid Id)> PublishAsync(string username, string title)
    {
        var provider = await factory.ClientForAsync(username);
        var body = await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody(title))).ReadJsonAsync();
        var id = body["id"]!.GetValue<Guid>();
        await provider.PostJsonAsync($"/api/offerings/{id}/submit", null);
        (await (await factory.ClientForAsync(await factory.HomeBureauOfAsync(username))).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        return (provider, id);
    }

    [Fact]
    public async Task Publish_Edit_Pause_AreSearchableWithinTwoSeconds()
    {
        var (provider, id) = await PublishAsync("provider7", "天文观测星空营甲");
        await Until(() => FindAsync("天文观测星空营甲"));

        var current = await provider.GetAsync($"/api/offerings/{id}");
        var put = new HttpRequestMessage(HttpMethod.Put, $"/api/offerings/{id}") { Content = JsonContent.Create(Demo.OfferingBody("天文观测星空营乙")) };
        put.Headers.TryAddWithoutValidation("If-Match", current.Headers.ETag!.Tag);
        (await provider.SendAsync(put)).EnsureSuccessStatusCode();
        await Until(() => FindAsync("天文观测星空营乙"));

        await provider.PostJsonAsync($"/api/offerings/{id}/pause", null);
        await Until(async () => await FindAsync("天文观测星空营乙") is null ? new JsonObject() : null);
    }

    [Fact]
    public async Task SeatChange_IsSearchableWithinTwoSeconds()
    {
        var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 10);
        await Until(async () => (await FindAsync("校园足球训练营")) is { } hit && hit["nextSession"] is not null ? hit : null);
        var school = await factory.ClientForAsync("school2");
        (await school.SendAsync(BookingTests.Book(sessionId, 10, [3], "fresh-seats-key1"))).EnsureSuccessStatusCode();
        await Until(async () =>
        {
            var result = await factory.CreateClient().GetJsonAsync("/api/search/offerings?q=" + Uri.EscapeDataString("校园足球训练营") + "&pageSize=100");
            var hit = result["items"]!.AsArray().FirstOrDefault(i => i!["id"]!.GetValue<Guid>() == offeringId);
            return hit?["nextSession"]?["freeSeats"]?.GetValue<int>() == 0 ? hit : null;
        });
        Assert.NotNull(provider);
    }

    [Fact]
    public async Task ProviderSuspension_RemovesItsOfferingsFromSearch()
    {
        var (_, _) = await PublishAsync("provider15", "泥塑陶艺工坊丙"); // approved in 武侯 (510107) only
        await Until(() => FindAsync("泥塑陶艺工坊丙"));
        var providerId = await factory.OrganizationOfAsync("provider15");
        (await (await factory.ClientForAsync("bureau-510107")).PostJsonAsync($"/api/providers/{providerId}/suspend", new { reason = "安全检查未通过" })).EnsureSuccessStatusCode();
        await Until(async () => await FindAsync("泥塑陶艺工坊丙") is null ? new JsonObject() : null);
        var visibleOfThatProvider = (await factory.CreateClient().GetJsonAsync("/api/search/offerings?pageSize=100&q=" + Uri.EscapeDataString("北京市海淀区青少年科技馆")))["items"]!.AsArray();
        Assert.DoesNotContain(visibleOfThatProvider, i => i!["providerName"]!.GetValue<string>() == "北京绿茵少年足球俱乐部");
    }

    [Fact]
    public async Task IndexOutage_LosesNothing_AndCatchesUpWhenBack()
    {
        factory.Index.Down = true;
        var (_, _) = await PublishAsync("provider9", "无人机航拍飞行课丁");
        await Task.Delay(1500);
        Assert.Null(await FindAsync("无人机航拍飞行课丁"));
        factory.Index.Down = false;
        await Until(() => FindAsync("无人机航拍飞行课丁"), TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task BureauRebuild_ReindexesFromTheStore()
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        var rebuilt = await (await bureau.PostJsonAsync("/api/admin/search/rebuild", null)).ReadJsonAsync();
        Assert.InRange(rebuilt["indexed"]!.GetValue<long>(), 150, 400);
        Assert.True((await factory.CreateClient().GetJsonAsync("/api/search/offerings?q=足球"))["total"]!.GetValue<long>() > 0);
        var school = await factory.ClientForAsync("school1");
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await school.PostJsonAsync("/api/admin/search/rebuild", null)).StatusCode);
    }
}

/// <summary>The real host whose index writes can be switched off, as when Elasticsearch is unreachable.</summary>
public sealed class FlakyIndexFactory : MarketplaceFactory
{
    public FlakyIndex Index { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            var original = services.Last(d => d.ServiceType == typeof(IOfferingIndex));
            services.Remove(original);
            services.AddSingleton<IOfferingIndex>(sp =>
            {
                var inner = (IOfferingIndex)(original.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!));
                return Index = new FlakyIndex(inner);
            });
        });
    }
}

public sealed class FlakyIndex(IOfferingIndex inner) : IOfferingIndex
{
    private volatile bool _down;

    public bool Down { get => _down; set => _down = value; }

    private void ThrowIfDown()
    {
        if (Down) throw new HttpRequestException("index unreachable (simulated)");
    }

    public Task<bool> InitializeAsync(CancellationToken ct = default) => inner.InitializeAsync(ct);
    public Task<bool> IsHealthyAsync(CancellationToken ct = default) => Down ? Task.FromResult(false) : inner.IsHealthyAsync(ct);
    public Task UpsertAsync(OfferingDocument document, CancellationToken ct = default) { ThrowIfDown(); return inner.UpsertAsync(document, ct); }
    public Task RemoveAsync(Guid offeringId, long version, CancellationToken ct = default) { ThrowIfDown(); return inner.RemoveAsync(offeringId, version, ct); }
    public Task<SearchResult> SearchAsync(OfferingQuery query, CancellationToken ct = default) => inner.SearchAsync(query, ct);
    public Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct = default) => inner.RebuildAsync(documents, ct);
    public Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, string? storeEpoch, CancellationToken ct = default) => inner.RebuildAsync(documents, storeEpoch, ct);
    public Task<IndexWatermark> GetWatermarkAsync(CancellationToken ct = default) => inner.GetWatermarkAsync(ct);
    public IAsyncEnumerable<IndexedOffering> ListAsync(CancellationToken ct = default) => inner.ListAsync(ct);
}
