using System.Diagnostics;
using System.Net;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Search;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Realtime;

/// <summary>The demo host with a search index whose writes can be made slow (an overloaded Elasticsearch, say).</summary>
public sealed class SlowIndexFactory : MarketplaceFactory
{
    private long _delayTicks;

    public TimeSpan WriteDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            var original = services.Last(d => d.ServiceType == typeof(IOfferingIndex));
            services.Remove(original);
            services.AddSingleton<IOfferingIndex>(sp => new SlowIndex((IOfferingIndex)original.ImplementationFactory!(sp), this));
        });
    }

    private sealed class SlowIndex(IOfferingIndex inner, SlowIndexFactory owner) : IOfferingIndex
    {
        public Task<bool> InitializeAsync(CancellationToken ct = default) => inner.InitializeAsync(ct);

        public Task<bool> IsHealthyAsync(CancellationToken ct = default) => inner.IsHealthyAsync(ct);

        public async Task UpsertAsync(OfferingDocument document, CancellationToken ct = default)
        {
            await Task.Delay(owner.WriteDelay, ct);
            await inner.UpsertAsync(document, ct);
        }

        public async Task RemoveAsync(Guid offeringId, long version, CancellationToken ct = default)
        {
            await Task.Delay(owner.WriteDelay, ct);
            await inner.RemoveAsync(offeringId, version, ct);
        }

        public Task<SearchResult> SearchAsync(OfferingQuery query, CancellationToken ct = default) => inner.SearchAsync(query, ct);

        public Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct = default) => inner.RebuildAsync(documents, ct);

        public Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, string? storeEpoch, CancellationToken ct = default) => inner.RebuildAsync(documents, storeEpoch, ct);

        public Task<IndexWatermark> GetWatermarkAsync(CancellationToken ct = default) => inner.GetWatermarkAsync(ct);

        public IAsyncEnumerable<IndexedOffering> ListAsync(CancellationToken ct = default) => inner.ListAsync(ct);
    }
}

/// <summary>Live pushes are real time even when the search index is slow: the index is derived data and may lag, the school's screen may not.</summary>
[Collection(TimingCollection.Name)]
public sealed class SlowIndexTests(SlowIndexFactory factory, ITestOutputHelper output) : IClassFixture<SlowIndexFactory>
{
    [Fact]
    public async Task ASlowSearchIndex_DoesNotHoldBackLivePushes()
    {
        var (_, _, sessionId) = await BookingTests.FreshSessionAsync(factory, 30);
        await using var live = await LiveClient.SignedInAsync(factory, "school27");
        var school = await factory.ClientForAsync("school27");
        factory.WriteDelay = TimeSpan.FromSeconds(3);
        try
        {
            var response = await school.SendAsync(BookingTests.Book(sessionId, 5, [3], "slow-index-key-1"));
            var posted = Stopwatch.GetTimestamp();
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var bookingId = (await response.ReadJsonAsync())["id"]!.GetValue<Guid>();

            var requested = await live.BookingAsync(m => m.BookingId == bookingId, TimeSpan.FromSeconds(5), "the Requested change");
            var latency = requested.LatencySince(posted);
            output.WriteLine($"latency school ← Requested with a 3 s index write: {latency.TotalMilliseconds:F1} ms");
            Assert.True(latency <= TimeSpan.FromSeconds(1), $"the push waited {latency.TotalMilliseconds:F0} ms for the search index");
        }
        finally
        {
            factory.WriteDelay = TimeSpan.Zero;
        }
    }
}
