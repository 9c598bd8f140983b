using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Marketplace.Api.Tests.Accounts;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Web;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Marketplace.Api.Tests.Web;

/// <summary>
/// The browser's sign-in (cookie) beside the API's bearer tokens: antiforgery on the form, local redirects only, the cookie
/// never authorising the JSON API, a disabled user's cookie refused at once, and the UI's language cookie (zh-CN by default).
/// </summary>
public sealed partial class AccountFormsTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private HttpClient Browser() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<string> AntiforgeryTokenAsync(HttpClient browser)
    {
        var html = await browser.GetStringAsync("/login");
        return TokenField().Match(html).Groups[1].Value;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string username, string password, string? returnUrl = null, bool withToken = true)
    {
        var fields = new Dictionary<string, string> { ["username"] = username, ["password"] = password, ["returnUrl"] = returnUrl ?? "" };
        if (withToken) fields["__RequestVerificationToken"] = await AntiforgeryTokenAsync(browser);
        return await browser.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task SignIn_SetsAnHttpOnlyCookie_AndGoesBackToALocalPageOnly()
    {
        var browser = Browser();
        var signedIn = await SignInAsync(browser, "school1", MarketplaceFactory.Password, "/school/bookings");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/school/bookings", signedIn.Headers.Location!.OriginalString);
        Assert.Contains(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("marketplace.auth=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);

        foreach (var elsewhere in new[] { "//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)" })
            Assert.Equal("/", (await SignInAsync(Browser(), "school1", MarketplaceFactory.Password, elsewhere)).Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_WithoutTheAntiforgeryToken_IsRefused_AndSetsNoCookie()
    {
        var response = await SignInAsync(Browser(), "school1", MarketplaceFactory.Password, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("marketplace.auth=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AWrongPassword_GoesBackToTheForm_WithTheNameKept()
    {
        var response = await SignInAsync(Browser(), "school1", "not-the-password", "/school");
        Assert.Equal("/login?error=invalid&username=school1&returnUrl=%2Fschool", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task TheCookie_NeverAuthorisesTheApi()
    {
        var browser = Browser();
        await SignInAsync(browser, "school1", MarketplaceFactory.Password);
        await (await browser.GetAsync("/api/bookings")).AssertProblemAsync(401);
        await (await browser.PostAsync("/api/offerings", JsonContent.Create(new { title = "跨站请求" }))).AssertProblemAsync(401);
    }

    [Fact]
    public async Task ADisabledUsersCookie_IsRefused_AtOnce()
    {
        var org = await factory.OrganizationOfAsync("provider13");
        var id = (await AccountTests.AddUserAsync(await factory.ClientForAsync("provider13"), org, "p13-web"))["id"]!.GetValue<Guid>();
        var browser = Browser();
        await SignInAsync(browser, "p13-web", "Staff@2026x");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).StatusCode);

        await (await (await factory.ClientForAsync("provider13")).PostJsonAsync($"/api/organisations/{org}/users/{id}/disable", new { reason = "已离职" })).AssertStatusAsync(200);

        var refused = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/login", refused.Headers.Location!.PathAndQuery.StartsWith('/') ? refused.Headers.Location.PathAndQuery : refused.Headers.Location.OriginalString);
    }

    [Fact]
    public async Task TheUi_IsChineseUntilSwitched_WhileTheApiFollowsAcceptLanguage()
    {
        var browser = Browser();
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US");
        Assert.Contains("<html lang=\"zh-CN\">", await browser.GetStringAsync("/login"));
        Assert.Equal("en", (await browser.GetAsync("/api/districts")).Content.Headers.ContentLanguage.Single());

        var switched = await browser.GetAsync("/account/culture?culture=en&returnUrl=%2Flogin");
        Assert.Equal("/login", switched.Headers.Location!.OriginalString);
        Assert.Contains("<html lang=\"en\">", await browser.GetStringAsync("/login"));
        Assert.Equal("/", (await browser.GetAsync("/account/culture?culture=en&returnUrl=%2F%2Fevil.example")).Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/school/bookings?status=Requested", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("https://evil.example", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void OnlyPathsOfThisHost_AreLocal(string? url, bool local) => Assert.Equal(local, AccountForms.IsLocal(url));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
