using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Families;

/// <summary>
/// Issue 18: a guardian activates with the school's activation code, a one-time SMS code sent through the code-sender port and a new
/// password, then signs in with phone (or username) and password. The activation code alone never signs in.
/// </summary>
public sealed class GuardianSignInTests : IDisposable
{
    private const string Phone = "13911112222";
    // ParallelActivations_ExactlyOneWins signs in with each of the eight passwords to find the one that won: at the default lockout
    // (5 wrong in a row) the account would lock before a late winner's turn.
    private readonly FamilyFactory _factory = new(new Dictionary<string, string?> { ["Marketplace:Lockout:MaxFailures"] = "20" });

    public void Dispose() => _factory.Dispose();

    private async Task<string> ImportOneAsync(string phone = Phone)
    {
        var school = await _factory.ClientForAsync("school3");
        var report = await (await Roster.ImportAsync(school, await _factory.OrganizationOfAsync("school3"),
            Roster.CsvOf(["钱多多", "2", "1班", "钱爸爸", phone, ""]), dryRun: false)).AssertStatusAsync(200);
        return report["activations"]![0]!["code"]!.GetValue<string>();
    }

    private Task<HttpResponseMessage> TokenAsync(string username, string password) =>
        _factory.CreateClient().PostJsonAsync("/api/auth/token", new { username, password });

    [Fact]
    public async Task Activation_NeedsTheCodeAndThePhone_ThenPhoneAndPasswordSignIn()
    {
        var code = await ImportOneAsync();
        var anonymous = _factory.CreateClient();
        // The activation code is no password: it does not sign in before activation (it would skip the phone check).
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(Phone, code)).StatusCode);

        // A wrong activation code, or a phone not on any roster, gets the one answer and sends nothing.
        var wrong = await (await anonymous.PostJsonAsync("/api/guardian/activation/code", new { phone = Phone, activationCode = "AAAABBBBCCCCDDDD" })).AssertProblemAsync(409);
        Assert.Equal("guardian-activation-invalid", wrong["code"]!.GetValue<string>());
        var unknown = await (await anonymous.PostJsonAsync("/api/guardian/activation/code", new { phone = "13911119999", activationCode = code })).AssertProblemAsync(409);
        Assert.Equal("guardian-activation-invalid", unknown["code"]!.GetValue<string>());
        Assert.Equal(0, _factory.Codes.Sent);
        await (await anonymous.PostJsonAsync("/api/guardian/activation/code", new { phone = "12345", activationCode = code })).AssertProblemAsync(400, "phone");

        var sent = await (await anonymous.PostJsonAsync("/api/guardian/activation/code", new { phone = Phone, activationCode = code.ToLowerInvariant() })).AssertStatusAsync(202);
        Assert.Equal("139****2222", sent["sentTo"]!.GetValue<string>());
        var phoneCode = _factory.Codes.LastTo(Phone)!;
        Assert.Matches("^[0-9]{6}$", phoneCode);
        var again = await (await anonymous.PostJsonAsync("/api/guardian/activation/code", new { phone = Phone, activationCode = code })).AssertProblemAsync(409);
        Assert.Equal("phone-code-too-soon", again["code"]!.GetValue<string>());

        var wrongCode = phoneCode == "000000" ? "111111" : "000000";
        var refused = await (await anonymous.PostJsonAsync("/api/guardian/activate", new { phone = Phone, activationCode = code, phoneCode = wrongCode, password = "Family#2026" }))
            .AssertProblemAsync(409);
        Assert.Equal("guardian-activation-invalid", refused["code"]!.GetValue<string>());
        await (await anonymous.PostJsonAsync("/api/guardian/activate", new { phone = Phone, activationCode = code, phoneCode, password = "short" }))
            .AssertProblemAsync(400, "password");

        var token = await (await anonymous.PostJsonAsync("/api/guardian/activate", new { phone = Phone, activationCode = code, phoneCode, password = "Family#2026" }))
            .AssertStatusAsync(200);
        Assert.Equal("Guardian", token["role"]!.GetValue<string>());
        Assert.Single((await Roster.WithToken(_factory, token).GetJsonAsync("/api/guardian/children")).AsArray());

        // From now on: phone and password. The activation code is spent.
        var signedIn = await (await TokenAsync(Phone, "Family#2026")).AssertStatusAsync(200);
        Assert.Equal("Guardian", signedIn["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await TokenAsync(Phone, code)).StatusCode);
        var spent = await (await anonymous.PostJsonAsync("/api/guardian/activation/code", new { phone = Phone, activationCode = code })).AssertProblemAsync(409);
        Assert.Equal("guardian-activation-invalid", spent["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task FiveWrongPhoneCodes_SpendTheCode()
    {
        var code = await ImportOneAsync();
        var anonymous = _factory.CreateClient();
        await (await anonymous.PostJsonAsync("/api/guardian/activation/code", new { phone = Phone, activationCode = code })).AssertStatusAsync(202);
        var phoneCode = _factory.Codes.LastTo(Phone)!;
        var wrongCode = phoneCode == "000000" ? "111111" : "000000";
        for (var i = 0; i < 5; i++)
            await (await anonymous.PostJsonAsync("/api/guardian/activate", new { phone = Phone, activationCode = code, phoneCode = wrongCode, password = "Family#2026" }))
                .AssertProblemAsync(409);

        var late = await (await anonymous.PostJsonAsync("/api/guardian/activate", new { phone = Phone, activationCode = code, phoneCode, password = "Family#2026" }))
            .AssertProblemAsync(409);
        Assert.Equal("guardian-activation-invalid", late["code"]!.GetValue<string>());
    }

    /// <summary>Eight activations at once with the right codes: exactly one sets the password, the others are refused.</summary>
    [Fact]
    public async Task ParallelActivations_ExactlyOneWins()
    {
        var code = await ImportOneAsync();
        await (await _factory.CreateClient().PostJsonAsync("/api/guardian/activation/code", new { phone = Phone, activationCode = code })).AssertStatusAsync(202);
        var phoneCode = _factory.Codes.LastTo(Phone)!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _factory.CreateClient()
            .PostJsonAsync("/api/guardian/activate", new { phone = Phone, activationCode = code, phoneCode, password = $"Family#2026-{i}" })));

        var won = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a != won), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        var passwords = Enumerable.Range(0, 8).Select(i => $"Family#2026-{i}").ToArray();
        var accepted = new List<string>();
        foreach (var password in passwords)
            if ((await TokenAsync(Phone, password)).StatusCode == HttpStatusCode.OK) accepted.Add(password);
        Assert.Single(accepted);
    }

    [Fact]
    public async Task TheSchoolReissuesACode_OnlyBeforeActivation()
    {
        var first = await ImportOneAsync();
        var school = await _factory.ClientForAsync("school3");
        var schoolId = await _factory.OrganizationOfAsync("school3");
        var guardianId = (await school.GetJsonAsync($"/api/schools/{schoolId}/pupils")).AsArray()[0]!["guardians"]![0]!["id"]!.GetValue<Guid>();

        var reissued = await (await school.PostJsonAsync($"/api/schools/{schoolId}/guardians/{guardianId}/activation", null)).AssertStatusAsync(200);
        var code = reissued["code"]!.GetValue<string>();
        Assert.NotEqual(first, code);
        var old = await (await _factory.CreateClient().PostJsonAsync("/api/guardian/activation/code", new { phone = Phone, activationCode = first })).AssertProblemAsync(409);
        Assert.Equal("guardian-activation-invalid", old["code"]!.GetValue<string>());
        await (await (await _factory.ClientForAsync("school4")).PostJsonAsync($"/api/schools/{schoolId}/guardians/{guardianId}/activation", null)).AssertProblemAsync(404);

        await Roster.ActivateAsync(_factory, Phone, code);
        var active = await (await school.PostJsonAsync($"/api/schools/{schoolId}/guardians/{guardianId}/activation", null)).AssertProblemAsync(409);
        Assert.Equal("guardian-already-active", active["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task DemoGuardians_SignInByUsernameOrPhone()
    {
        var byName = await (await TokenAsync("guardian1", MarketplaceFactory.Password)).AssertStatusAsync(200);
        var byPhone = await (await TokenAsync("13800000001", MarketplaceFactory.Password)).AssertStatusAsync(200);
        Assert.Equal("Guardian", byName["role"]!.GetValue<string>());
        Assert.Equal(byName["organizationId"]!.GetValue<Guid>(), byPhone["organizationId"]!.GetValue<Guid>());
        var children = (await Roster.WithToken(_factory, byName).GetJsonAsync("/api/guardian/children")).AsArray();
        Assert.NotEmpty(children);
        // guardian4 has two children, guardian5 one in school1 and one in school2.
        Assert.Equal(2, (await (await _factory.ClientForAsync("guardian4")).GetJsonAsync("/api/guardian/children")).AsArray().Count);
        var five = (await (await _factory.ClientForAsync("guardian5")).GetJsonAsync("/api/guardian/children")).AsArray();
        var expected = new HashSet<Guid> { await _factory.OrganizationOfAsync("school1"), await _factory.OrganizationOfAsync("school2") };
        Assert.Equal(expected, five.Select(c => c!["schoolId"]!.GetValue<Guid>()).ToHashSet());
    }
}
