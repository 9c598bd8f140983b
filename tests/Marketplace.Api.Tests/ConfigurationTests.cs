using Marketplace.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace Marketplace.Api.Tests;

public class ConfigurationTests
{
    [Theory]
    [InlineData("Marketplace:Store", "Cassandra", "Marketplace:Store must be one of Sqlite, Mongo")]
    [InlineData("Marketplace:Search", "Solr", "Marketplace:Search must be one of Lucene, Elasticsearch")]
    [InlineData("Marketplace:TrustedProxies", "172.30.0.0/24, nginx", "Marketplace:TrustedProxies: 'nginx' is neither an IP address")]
    [InlineData("Marketplace:Backplane", "Kafka", "Marketplace:Backplane must be one of None, Redis")]
    [InlineData("Marketplace:Store", "Mongo", "Marketplace:Mongo:ConnectionString is required")]
    [InlineData("Marketplace:Search", "Elasticsearch", "Marketplace:Elasticsearch:Url is required")]
    [InlineData("Marketplace:Backplane", "Redis", "Marketplace:Redis:ConnectionString is required")]
    [InlineData("Marketplace:Mongo:ServerSelectionTimeout", "fast", "Marketplace:Mongo:ServerSelectionTimeout must be a positive time span")]
    [InlineData("Marketplace:Jwt:SigningKey", "too-short", "Marketplace:Jwt:SigningKey must be at least 32 bytes")]
    [InlineData("Marketplace:BookingResponseWindow", "-01:00:00", "Marketplace:BookingResponseWindow must be positive")]
    [InlineData("Marketplace:SearchWords", "非遗,遗", "Marketplace:SearchWords: '遗' is not a word to keep whole")]
    [InlineData("Marketplace:BookingExpirySweep", "00:00:00", "Marketplace:BookingExpirySweep must be a positive time span")]
    [InlineData("Marketplace:BookingExpirySweep", "soon", "Marketplace:BookingExpirySweep must be a positive time span")]
    [InlineData("Marketplace:Booking:MinLeadHoursOffCampus", "-1", "Marketplace:Booking:MinLeadHoursOffCampus must be a whole number of hours from 0 to 336")]
    [InlineData("Marketplace:Booking:MinLeadHoursOnCampus", "2h", "Marketplace:Booking:MinLeadHoursOnCampus must be a whole number of hours from 0 to 336")]
    [InlineData("Marketplace:LoginsPerMinute", "0", "Marketplace:LoginsPerMinute must be a whole number")]
    [InlineData("Marketplace:WatchedOfferingsPerConnection", "0", "Marketplace:WatchedOfferingsPerConnection must be a whole number from 1 to 10000")]
    [InlineData("Marketplace:Holidays", "2027-02-06..2027-02-14, 2027-13-01", "Marketplace:Holidays: '2027-13-01' is neither a day")]
    [InlineData("Marketplace:SearchWords", "龙泉 青瓷", "Marketplace:SearchWords: '龙泉 青瓷' is not a word to keep whole")]
    [InlineData("Marketplace:MakeupWorkdays", "2027-02-20, 2027-02-30", "Marketplace:MakeupWorkdays: '2027-02-30' is not a day")]
    [InlineData("Marketplace:MakeupWorkdays", "2026-10-02", "Marketplace:MakeupWorkdays: 2026-10-02 is a holiday (built in or in Marketplace:Holidays)")]
    [InlineData("Marketplace:Sessions:UnderfilledNoticeHours", "0", "Marketplace:Sessions:UnderfilledNoticeHours must be a whole number of hours from 1 to 336")]
    public void Startup_WithBadSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { [key] = value });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains(expected, Flatten(error));
    }

    [Fact]
    public void Startup_WithUnparsableElasticsearchUrl_FailsNamingTheKey()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Search"] = "Elasticsearch", ["Marketplace:Elasticsearch:Url"] = "not a url",
        });
        Assert.Contains("Marketplace:Elasticsearch:Url must be an absolute URL", Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateClient())));
    }

    [Fact]
    public void Startup_WithMongoSelected_UsesTheMongoAdapter_AndFailsFastWhenItIsUnreachable()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Store"] = "Mongo", ["Marketplace:Mongo:ConnectionString"] = "mongodb://127.0.0.1:9/?replicaSet=rs0",
            ["Marketplace:Mongo:ServerSelectionTimeout"] = "00:00:00.300",
        });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("MongoDB", Flatten(error) + error.GetType().FullName, StringComparison.OrdinalIgnoreCase);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"took {started.Elapsed}");
    }

    [Fact]
    public void Startup_WithElasticsearchSelected_UsesTheElasticsearchAdapter_AndFailsWhenItIsUnreachable()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Search"] = "Elasticsearch", ["Marketplace:Elasticsearch:Url"] = "http://127.0.0.1:9/",
            ["Marketplace:Elasticsearch:StartupWait"] = "00:00:00",
        });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Elasticsearch refused the index template", Flatten(error));
    }

    [Fact]
    public void Startup_WithElasticsearchUnreachable_RetriesForTheStartupWait_ThenFails()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Search"] = "Elasticsearch", ["Marketplace:Elasticsearch:Url"] = "http://127.0.0.1:9/",
            ["Marketplace:Elasticsearch:StartupWait"] = "00:00:04",
        });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        // Attempts at 0, 1 and 3 s; a fourth would start after the 4 s wait, so it gives up after the third.
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(20));
        Assert.Contains("Elasticsearch refused the index template", Flatten(error));
    }

    [Fact]
    public void NegativeElasticsearchStartupWait_IsRefused()
    {
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:Elasticsearch:StartupWait"] = "-00:00:01" });
        Assert.Contains("Marketplace:Elasticsearch:StartupWait must not be negative", Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateClient())));
    }

    [Fact]
    public void Startup_InProduction_WithoutSigningKey_Fails()
    {
        using var factory = new ProductionFactory(new Dictionary<string, string?>());
        Assert.Contains("Marketplace:Jwt:SigningKey is required", Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateClient())));
    }

    [Fact]
    public void Startup_InProduction_RefusesDemoSeed()
    {
        using var factory = new ProductionFactory(new Dictionary<string, string?>
        {
            ["Marketplace:Jwt:SigningKey"] = new string('k', 40), ["Marketplace:SeedDemo"] = "true",
        });
        Assert.Contains("Marketplace:SeedDemo may only be enabled in the Development environment", Flatten(Assert.ThrowsAny<Exception>(() => factory.CreateClient())));
    }

    [Fact]
    public async Task Startup_InProduction_DoesNotSeedDemoData()
    {
        using var factory = new ProductionFactory(new Dictionary<string, string?> { ["Marketplace:Jwt:SigningKey"] = new string('k', 40) });
        var client = factory.CreateClient();
        var districts = await client.GetJsonAsync("/api/districts");
        Assert.Empty(districts.AsArray());
    }

    [Fact]
    public async Task LandingPage_ShowsDemoAccountsOnlyWhereTheDemoIsSeeded()
    {
        using var production = new ProductionFactory(new Dictionary<string, string?> { ["Marketplace:Jwt:SigningKey"] = new string('k', 40) });
        var html = await production.CreateClient().GetStringAsync("/");
        Assert.Contains("课后服务资源对接平台", html);
        Assert.DoesNotContain("Demo@2026", html);
        Assert.DoesNotContain("演示账号", html);

        using var development = new MarketplaceFactory();
        Assert.Contains("Demo@2026", await development.CreateClient().GetStringAsync("/"));
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);

    [Fact]
    public async Task ConfiguredHolidays_AreSkippedByRecurrences()
    {
        var year = DateTime.UtcNow.Year + 1;
        using var factory = new MarketplaceFactory(new Dictionary<string, string?> { ["Marketplace:Holidays"] = $"{year}-03-09..{year}-03-13" });
        var provider = await factory.ClientForAsync("provider4");
        var id = (await (await provider.PostJsonAsync("/api/offerings", Demo.OfferingBody("少儿合唱团"))).ReadJsonAsync())["id"]!.GetValue<Guid>();
        var created = (await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new
        {
            capacity = 30,
            recurrence = new { daysOfWeek = new[] { "Monday", "Wednesday" }, startTime = "15:40", endTime = "17:10", from = $"{year}-03-01", to = $"{year}-03-31" },
        })).ReadJsonAsync()).AsArray();
        var dates = created.Select(s => s!["localDate"]!.GetValue<string>()[..10]).ToList();
        var expected = Enumerable.Range(1, 31).Select(day => new DateOnly(year, 3, day))
            .Where(d => d.DayOfWeek is DayOfWeek.Monday or DayOfWeek.Wednesday && (d.Day < 9 || d.Day > 13))
            .Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, dates);
    }

    /// <summary>ASP.NET throws on unreadable input only in Development unless told to: in Production the problem must still name the field.</summary>
    [Theory]
    [InlineData("""{"name":"某协会","kind":7,"creditCode":"91350100M000100Y43","contactName":"赵老师","contactPhone":"13912345678","districts":["110108"],"username":"u1234567","password":"Weiqi@2026"}""", "kind")]
    [InlineData("""{"name":"某协会","kind":"Museum, University","creditCode":"91350100M000100Y43","contactName":"赵老师","contactPhone":"13912345678","districts":["110108"],"username":"u1234567","password":"Weiqi@2026"}""", "kind")]
    public async Task InProduction_AnUnreadableBody_Is400NamingTheField(string body, string field)
    {
        using var factory = new ProductionFactory(new Dictionary<string, string?> { ["Marketplace:Jwt:SigningKey"] = new string('k', 40) });
        var response = await factory.CreateClient().PostAsync("/api/providers", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(400, field);
        Assert.Equal("validation.one-of", problem["codes"]![field]![0]!.GetValue<string>());
    }

    private sealed class ProductionFactory(IDictionary<string, string?> settings) : MarketplaceFactory(settings)
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }
}
