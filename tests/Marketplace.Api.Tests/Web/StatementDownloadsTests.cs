using System.Net;
using System.Text.RegularExpressions;
using Marketplace.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Api.Tests.Web;

/// <summary>
/// The web UI's statement downloads (/downloads/statements): the sign-in cookie authorises them (a link cannot carry a bearer
/// token), the caller gets its own statement as CSV or XLSX, and nobody signed out gets one.
/// </summary>
public sealed partial class StatementDownloadsTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private static readonly string Month = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<HttpClient> SignedInAsync(string username)
    {
        var browser = Browser();
        var html = await browser.GetStringAsync("/login");
        var fields = new Dictionary<string, string>
        {
            ["username"] = username, ["password"] = MarketplaceFactory.Password, ["returnUrl"] = "",
            ["__RequestVerificationToken"] = TokenField().Match(html).Groups[1].Value,
        };
        var signedIn = await browser.PostAsync("/account/login", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    [Fact]
    public async Task ASignedInSchool_DownloadsItsStatement_AsCsvAndXlsx()
    {
        var browser = await SignedInAsync("school3");
        var csv = await browser.GetAsync($"/downloads/statements?month={Month}&format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"statement-{Month}.csv", csv.Content.Headers.ContentDisposition!.ToString(), StringComparison.Ordinal);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains(Month, text, StringComparison.Ordinal);

        var xlsx = await browser.GetAsync($"/downloads/statements?month={Month}&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var bytes = await xlsx.Content.ReadAsByteArrayAsync();
        Assert.Equal("PK"u8.ToArray(), bytes[..2]); // a zip: the xlsx container
    }

    [Fact]
    public async Task AProvider_DownloadsItsOwn_AndABadMonthOrFormat_IsRefused()
    {
        var browser = await SignedInAsync("provider1");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/downloads/statements?month={Month}&format=csv")).StatusCode);
        await (await browser.GetAsync("/downloads/statements?month=2026-13&format=csv")).AssertProblemAsync(400, "month");
        await (await browser.GetAsync($"/downloads/statements?month={Month}&format=pdf")).AssertProblemAsync(400, "format");
    }

    [Fact]
    public async Task WithoutTheCookie_NoStatement_AndABearerTokenDoesNotReplaceIt()
    {
        var anonymous = await Browser().GetAsync($"/downloads/statements?month={Month}&format=csv");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        var token = (await factory.ClientForAsync("school3")).DefaultRequestHeaders.Authorization;
        var withToken = Browser();
        withToken.DefaultRequestHeaders.Authorization = token;
        var bearer = await withToken.GetAsync($"/downloads/statements?month={Month}&format=csv");
        Assert.Equal(HttpStatusCode.Redirect, bearer.StatusCode); // to the sign-in page: the token is for /api only
        Assert.StartsWith("/login", bearer.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
