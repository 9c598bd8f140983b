using System.Net;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

public class BookingRestartTests
{
    [Fact]
    public async Task IdempotentRetry_AfterARestart_ReturnsTheSameBooking()
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-tests", "restart-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["Marketplace:DataDirectory"] = folder };
        try
        {
            string first;
            Guid sessionId;
            using (var before = new MarketplaceFactory(settings))
            {
                (_, _, sessionId) = await BookingTests.FreshSessionAsync(before, 20);
                var school = await before.ClientForAsync("school1");
                var response = await school.SendAsync(BookingTests.Book(sessionId, 3, [3], "restart-key-0001"));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                first = await response.Content.ReadAsStringAsync();
            }
            using var after = new MarketplaceFactory(settings);
            var again = await (await after.ClientForAsync("school1")).SendAsync(BookingTests.Book(sessionId, 3, [3], "restart-key-0001"));
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            Assert.Equal(first, await again.Content.ReadAsStringAsync());
            Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
