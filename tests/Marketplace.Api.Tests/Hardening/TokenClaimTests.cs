using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using Marketplace.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>An empty host with a known signing key, so the tests can sign tokens with any claims.</summary>
public sealed class KnownKeyFactory() : MarketplaceFactory(new Dictionary<string, string?>
{
    ["Marketplace:Jwt:SigningKey"] = KnownKeyFactory.Key, ["Marketplace:SeedDemo"] = "false",
})
{
    public const string Key = "token-claim-tests-signing-key-0123456789abcdef";

    /// <summary>A token signed with the host's key and issuer, valid for an hour unless <paramref name="expires"/> says otherwise.</summary>
    public static string Sign(IEnumerable<Claim> claims, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        var token = new JwtSecurityToken("marketplace", "marketplace", claims, expires is null ? now : expires.Value.AddHours(-1), expires ?? now.AddHours(1),
            new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    /// <summary>
    /// Issue 12: a token counts only while its user exists, is enabled and has the token's stamp (CallerStandingMiddleware), so
    /// a test that wants a readable token accepted stores its user first: a School user of <paramref name="organizationId"/>.
    /// </summary>
    public async Task<Guid> StoreUserAsync(Guid organizationId, Guid stamp)
    {
        var id = Guid.CreateVersion7();
        var user = Core.Persistence.StoreJson.Deserialize<Core.Identity.User>(
            $$"""{"id":"{{id}}","version":1,"username":"tester-{{id:N}}","role":"School","organizationId":"{{organizationId}}","displayName":"tester","securityStamp":"{{stamp}}"}""");
        await Services.GetRequiredService<Core.Persistence.IMarketplaceStore>().CommitAsync(new Core.Persistence.StoreChanges().Insert(user));
        return id;
    }
}

/// <summary>
/// Issue 10 #6 and #11: a correctly signed token whose caller claims cannot be read is a 401 (it was a 500 in
/// CallerClaims, or worse, a guessed role), and a refused token is answered with a plain "WWW-Authenticate: Bearer".
/// </summary>
public class TokenClaimTests(KnownKeyFactory factory) : IClassFixture<KnownKeyFactory>
{
    private static readonly string User = Guid.CreateVersion7().ToString(), Org = Guid.CreateVersion7().ToString();

    private static List<Claim> Claims(string? sub = "", string? role = "School", string? org = "", params string[] extra)
    {
        var claims = new List<Claim> { new("name", "tester") };
        // extra: "type=value" claims (org_role, stamp), each as given
        claims.AddRange(extra.Select(e => new Claim(e[..e.IndexOf('=', StringComparison.Ordinal)], e[(e.IndexOf('=', StringComparison.Ordinal) + 1)..])));
        if (sub is not null) claims.Add(new("sub", sub.Length == 0 ? User : sub));
        if (role is not null) claims.Add(new("role", role));
        if (org is not null) claims.Add(new("org", org.Length == 0 ? Org : org));
        return claims;
    }

    private async Task<HttpResponseMessage> GetBookingsAsync(string token)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.GetAsync("/api/bookings");
    }

    [Fact]
    public async Task AWellFormedToken_SignedHere_IsAccepted()
    {
        var user = await factory.StoreUserAsync(Guid.Parse(Org), Guid.Empty);
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(KnownKeyFactory.Sign(Claims(user.ToString())))).StatusCode);
    }

    /// <summary>Issue 12: readable, but its user is not stored (or no longer): the token is refused as revoked.</summary>
    [Fact]
    public async Task AWellFormedToken_OfAUserWhoIsNotStored_IsRefused()
    {
        var response = await GetBookingsAsync(KnownKeyFactory.Sign(Claims()));
        Assert.Equal("token-revoked", (await response.AssertProblemAsync(401))["code"]!.GetValue<string>());
    }

    public static TheoryData<string, string?, string?, string?> Unreadable => new()
    {
        { "role in lower case", "", "school", "" },
        { "role as a number", "", "1", "" },
        { "role as a comma list", "", "School,Bureau", "" },
        { "role unknown", "", "Admin", "" },
        { "role missing", "", null, "" },
        { "sub not a GUID", "user-1", "School", "" },
        { "sub missing", null, "School", "" },
        { "org not a GUID", "", "Bureau", "district-office" },
        { "org missing", "", "Provider", null },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task ASignedToken_WithAnUnreadableClaim_Is401_WithAPlainChallenge(string why, string? sub, string? role, string? org)
    {
        var response = await GetBookingsAsync(KnownKeyFactory.Sign(Claims(sub, role, org)));
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {(int)response.StatusCode}");
        await response.AssertProblemAsync(401);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
    }

    /// <summary>Issue 12: org_role and stamp are optional (tokens issued before them still work) but well-formed when present.</summary>
    [Theory]
    [InlineData("org_role=Admin", "stamp=0197f0000000700080000000000000aa")]
    [InlineData("org_role=Staff")]
    [InlineData("stamp=00000000000000000000000000000000")]
    public async Task OrgRoleAndStamp_WhenWellFormed_AreAccepted(params string[] extra)
    {
        var stamp = extra.FirstOrDefault(e => e.StartsWith("stamp=", StringComparison.Ordinal)) is { } given ? Guid.ParseExact(given[6..], "N") : Guid.Empty;
        var user = await factory.StoreUserAsync(Guid.Parse(Org), stamp);
        Assert.Equal(HttpStatusCode.OK, (await GetBookingsAsync(KnownKeyFactory.Sign(Claims(user.ToString(), "School", "", extra)))).StatusCode);
    }

    [Theory]
    [InlineData("org_role=admin")]
    [InlineData("org_role=0")]
    [InlineData("org_role=Admin", "org_role=Staff")]
    [InlineData("stamp=not-a-guid")]
    [InlineData("stamp=0197f000-0000-7000-8000-0000000000aa")]
    [InlineData("stamp=0197f0000000700080000000000000aa", "stamp=0197f0000000700080000000000000bb")]
    public async Task OrgRoleAndStamp_WhenMalformedOrRepeated_Are401(params string[] extra)
    {
        await (await GetBookingsAsync(KnownKeyFactory.Sign(Claims("", "School", "", extra)))).AssertProblemAsync(401);
    }

    [Fact]
    public async Task TwoRoleClaims_AreUnreadable_NotWhicheverComesFirst()
    {
        var claims = Claims();
        claims.Add(new Claim("role", "Bureau"));
        var response = await GetBookingsAsync(KnownKeyFactory.Sign(claims));
        await response.AssertProblemAsync(401);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("wrong key")]
    [InlineData("garbage")]
    public async Task ARefusedToken_GetsAPlainBearerChallenge_NotWhichCheckFailed(string kind)
    {
        var token = kind switch
        {
            "expired" => KnownKeyFactory.Sign(Claims(), DateTime.UtcNow.AddMinutes(-10)),
            "wrong key" => KnownKeyFactory.Sign(Claims())[..^4] + "AAAA",
            _ => "abc.def.ghi",
        };
        var response = await GetBookingsAsync(token);
        await response.AssertProblemAsync(401);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
    }
}
