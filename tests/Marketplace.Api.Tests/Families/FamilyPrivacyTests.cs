using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Families;

/// <summary>
/// Issue 18's privacy matrix over the demo's families: a guardian reads only its own children; a school only its own pupils; a
/// provider only the class list of its own bookings — name, grade, class of the pupils whose guardian consented, never a phone; a
/// bureau counts only. Deleting a pupil deletes a guardian left without a child.
/// </summary>
public sealed class FamilyPrivacyTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<(HttpClient Client, Guid Id)> SchoolAsync(string username) =>
        (await _factory.ClientForAsync(username), await _factory.OrganizationOfAsync(username));

    [Fact]
    public async Task AGuardian_ReadsOnlyItsOwnChildren()
    {
        var (one, two) = (await _factory.ClientForAsync("guardian1"), await _factory.ClientForAsync("guardian2"));
        var mine = (await one.GetJsonAsync("/api/guardian/children")).AsArray().Select(c => c!["id"]!.GetValue<Guid>()).ToList();
        var theirs = (await two.GetJsonAsync("/api/guardian/children")).AsArray().Select(c => c!["id"]!.GetValue<Guid>()).ToList();
        Assert.NotEmpty(mine);
        Assert.Empty(mine.Intersect(theirs));

        await (await one.GetAsync($"/api/guardian/children/{mine[0]}")).AssertStatusAsync(200);
        await (await one.GetAsync($"/api/guardian/children/{theirs[0]}")).AssertProblemAsync(404);
        await (await one.PostJsonAsync($"/api/guardian/children/{theirs[0]}/consent", new { textVersion = "2026-12" })).AssertProblemAsync(404);
        await (await one.DeleteAsync($"/api/guardian/children/{theirs[0]}/consent")).AssertProblemAsync(404);
        // Nothing of the schools' or providers' side: the roster, class lists, counts.
        var (_, school1) = await SchoolAsync("school1");
        await (await one.GetAsync($"/api/schools/{school1}/pupils")).AssertProblemAsync(403);
        await (await one.GetAsync("/api/pupils/counts")).AssertProblemAsync(403);
        // A school's token is no guardian's.
        await (await (await _factory.ClientForAsync("school1")).GetAsync("/api/guardian/children")).AssertProblemAsync(403);
    }

    [Fact]
    public async Task ASchool_ReadsAndDeletesOnlyItsOwnPupils_AndNoOneElseReadsTheRoster()
    {
        var (school1, id1) = await SchoolAsync("school1");
        var (school2, id2) = await SchoolAsync("school2");
        var roster = (await school1.GetJsonAsync($"/api/schools/{id1}/pupils")).AsArray();
        Assert.NotEmpty(roster);
        Assert.All(roster, p => Assert.Matches("^138[0-9]{8}$", p!["guardians"]![0]!["phone"]!.GetValue<string>())); // its own families' phones

        await (await school2.GetAsync($"/api/schools/{id1}/pupils")).AssertProblemAsync(404);
        await (await school2.DeleteAsync($"/api/schools/{id1}/pupils/{roster[0]!["id"]}")).AssertProblemAsync(404);
        await (await school2.DeleteAsync($"/api/schools/{id2}/pupils/{roster[0]!["id"]}")).AssertProblemAsync(404); // not one of its own
        await (await (await _factory.ClientForAsync("provider1")).GetAsync($"/api/schools/{id1}/pupils")).AssertProblemAsync(403);
        await (await (await _factory.ClientForAsync("bureau-110101")).GetAsync($"/api/schools/{id1}/pupils")).AssertProblemAsync(403);
        await (await (await _factory.ClientForAsync("city-1101")).GetAsync($"/api/schools/{id1}/pupils")).AssertProblemAsync(403);
        Assert.Equal(roster.Count, (await school1.GetJsonAsync($"/api/schools/{id1}/pupils")).AsArray().Count);
    }

    [Fact]
    public async Task AProvider_SeesTheClassListOfItsOwnBooking_ConsentedPupilsOnly_NeverAPhone()
    {
        var (provider, _, sessionId) = await BookingTests.FreshSessionAsync(_factory, 30);
        var (school1, id1) = await SchoolAsync("school1");
        var booking = await (await school1.SendAsync(BookingTests.Book(sessionId, 10, [1, 2, 3, 4, 5, 6], "families-class-list"))).AssertStatusAsync(201);
        var bookingId = booking["id"]!.GetValue<Guid>();
        var roster = (await school1.GetJsonAsync($"/api/schools/{id1}/pupils")).AsArray();
        var consented = roster.Where(p => p!["consentVersion"] is not null).Take(2).ToList();
        var notYet = roster.Where(p => p!["consentVersion"] is null).Take(2).ToList();
        var assigned = consented.Concat(notYet).Select(p => p!["id"]!.GetValue<Guid>()).ToArray();

        var saved = await (await school1.PutAsJsonAsync($"/api/bookings/{bookingId}/pupils", new { pupilIds = assigned })).AssertStatusAsync(200);
        Assert.Equal(2, saved["withoutConsent"]!.GetValue<int>());

        var response = await provider.GetAsync($"/api/bookings/{bookingId}/pupils");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = JsonNode.Parse(text)!;
        Assert.Equal(consented.Select(p => p!["id"]!.GetValue<Guid>()).Order(), list["pupils"]!.AsArray().Select(p => p!["pupilId"]!.GetValue<Guid>()).Order());
        Assert.All(list["pupils"]!.AsArray(), p => Assert.Equal(["className", "grade", "name", "pupilId"], p!.AsObject().Select(f => f.Key).Order()));
        Assert.DoesNotContain("phone", text, StringComparison.OrdinalIgnoreCase);
        Assert.All(consented.Concat(notYet), p => Assert.DoesNotContain(p!["guardians"]![0]!["phone"]!.GetValue<string>(), text, StringComparison.Ordinal));
        Assert.DoesNotContain("guardian", text, StringComparison.OrdinalIgnoreCase);

        // Consent given → the provider sees the pupil; withdrawn → no more.
        var phone = notYet[0]!["guardians"]![0]!["phone"]!.GetValue<string>();
        var guardian = await _factory.ClientForAsync(phone); // a demo guardian signs in by phone too
        var child = notYet[0]!["id"]!.GetValue<Guid>();
        var text2 = await guardian.GetJsonAsync("/api/guardian/consent-text");
        await (await guardian.PostJsonAsync($"/api/guardian/children/{child}/consent", new { textVersion = "2025-01" })).AssertProblemAsync(400, "textVersion");
        var given = await (await guardian.PostJsonAsync($"/api/guardian/children/{child}/consent", new { textVersion = text2["version"]!.GetValue<string>() })).AssertStatusAsync(200);
        Assert.True(given["consent"]!["current"]!.GetValue<bool>());
        Assert.Equal(3, (await provider.GetJsonAsync($"/api/bookings/{bookingId}/pupils"))["pupils"]!.AsArray().Count);
        await (await guardian.DeleteAsync($"/api/guardian/children/{child}/consent")).AssertStatusAsync(200);
        Assert.Equal(2, (await provider.GetJsonAsync($"/api/bookings/{bookingId}/pupils"))["pupils"]!.AsArray().Count);

        // Nobody else reads it: another provider or school 404, a guardian or bureau 403.
        await (await (await _factory.ClientForAsync("provider2")).GetAsync($"/api/bookings/{bookingId}/pupils")).AssertProblemAsync(404);
        await (await (await _factory.ClientForAsync("school2")).GetAsync($"/api/bookings/{bookingId}/pupils")).AssertProblemAsync(404);
        await (await (await _factory.ClientForAsync("guardian1")).GetAsync($"/api/bookings/{bookingId}/pupils")).AssertProblemAsync(403);
        await (await (await _factory.ClientForAsync("bureau-110101")).GetAsync($"/api/bookings/{bookingId}/pupils")).AssertProblemAsync(403);
        // The school names only its own pupils, at most the booking's count; the provider names none.
        var other = (await (await _factory.ClientForAsync("school2")).GetJsonAsync($"/api/schools/{await _factory.OrganizationOfAsync("school2")}/pupils")).AsArray()[0]!["id"]!.GetValue<Guid>();
        await (await school1.PutAsJsonAsync($"/api/bookings/{bookingId}/pupils", new { pupilIds = new[] { assigned[0], other } })).AssertProblemAsync(400, "pupilIds[1]");
        await (await school1.PutAsJsonAsync($"/api/bookings/{bookingId}/pupils", new { pupilIds = roster.Take(11).Select(p => p!["id"]!.GetValue<Guid>()) })).AssertProblemAsync(400, "pupilIds");
        await (await provider.PutAsJsonAsync($"/api/bookings/{bookingId}/pupils", new { pupilIds = assigned })).AssertProblemAsync(403);
    }

    [Fact]
    public async Task ABureau_GetsCountsOnly_ForItsOwnDistricts()
    {
        var counts = (await (await _factory.ClientForAsync("bureau-110101")).GetJsonAsync("/api/pupils/counts")).AsArray();
        var (_, id1) = await SchoolAsync("school1");
        var school1 = Assert.Single(counts, c => c!["schoolId"]!.GetValue<Guid>() == id1)!;
        Assert.Equal(["consented", "districtCode", "pupils", "schoolId", "schoolName"], school1.AsObject().Select(f => f.Key).Order());
        Assert.True(school1["pupils"]!.GetValue<int>() > school1["consented"]!.GetValue<int>());
        Assert.All(counts, c => Assert.Equal("110101", c!["districtCode"]!.GetValue<string>()));

        var city = (await (await _factory.ClientForAsync("city-1101")).GetJsonAsync("/api/pupils/counts")).AsArray();
        Assert.Equal(2, city.Count); // school1 (东城) and school2 (西城)
        await (await (await _factory.ClientForAsync("bureau-110101")).GetAsync("/api/pupils/counts?district=110102")).AssertProblemAsync(403);
        await (await (await _factory.ClientForAsync("school1")).GetAsync("/api/pupils/counts")).AssertProblemAsync(403);
        await (await (await _factory.ClientForAsync("provider1")).GetAsync("/api/pupils/counts")).AssertProblemAsync(403);
    }

    [Fact]
    public async Task DeletingAPupil_DeletesAGuardianLeftWithoutAChild_AndAClassIsPurgedWhole()
    {
        var (school1, id1) = await SchoolAsync("school1");
        var guardian = await _factory.ClientForAsync("guardian1"); // one child, in school1
        var child = Assert.Single((await guardian.GetJsonAsync("/api/guardian/children")).AsArray())!;
        Assert.Equal(HttpStatusCode.NoContent, (await school1.DeleteAsync($"/api/schools/{id1}/pupils/{child["id"]}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.CreateClient().PostJsonAsync("/api/auth/token", new { username = "guardian1", password = MarketplaceFactory.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await guardian.GetAsync("/api/guardian/children")).StatusCode); // its token no longer counts
        await (await school1.DeleteAsync($"/api/schools/{id1}/pupils/{child["id"]}")).AssertProblemAsync(404);

        var roster = (await school1.GetJsonAsync($"/api/schools/{id1}/pupils")).AsArray();
        var (grade, className) = (roster[0]!["grade"]!.GetValue<int>(), roster[0]!["className"]!.GetValue<string>());
        var inClass = roster.Count(p => p!["grade"]!.GetValue<int>() == grade && p["className"]!.GetValue<string>() == className);
        var purged = await (await school1.PostJsonAsync($"/api/schools/{id1}/pupils/purge", new { grade, className })).AssertStatusAsync(200);
        Assert.Equal(inClass, purged["deleted"]!.GetValue<int>());
        Assert.Empty((await school1.GetJsonAsync($"/api/schools/{id1}/pupils?grade={grade}&className={Uri.EscapeDataString(className)}")).AsArray());
        Assert.Equal(roster.Count - inClass, (await school1.GetJsonAsync($"/api/schools/{id1}/pupils")).AsArray().Count);
        await (await school1.PostJsonAsync($"/api/schools/{id1}/pupils/purge", new { grade = 12, className })).AssertProblemAsync(400, "grade");
    }
}
