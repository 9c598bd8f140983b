using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>Issue 18: who may do what with a selection window, and what bad input gets (every bad field named, in the caller's language).</summary>
public sealed class SelectionAuthorizationTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private async Task<(Guid Window, Guid Booking)> OpenAsync(string mode = "FirstCome")
    {
        var booking = await ConfirmedBookingAsync(_factory, "school1", pupils: 3, hoursAhead: 72);
        var school = await _factory.ClientForAsync("school1");
        return ((await (await school.PostJsonAsync("/api/selection-windows", Window(mode, [new { bookingId = booking }]))).AssertStatusAsync(201)).Id(), booking);
    }

    [Fact]
    public async Task Guardians_SchoolsAndProviders_SeeAndChangeOnlyWhatIsTheirs()
    {
        var (windowId, booking) = await OpenAsync();
        var mine = await GuardianAsync(_factory, "school1", 31);
        var other = await GuardianAsync(_factory, "school1", 32);
        var elsewhere = await GuardianAsync(_factory, "school2", 33);

        // Another guardian's child: 404, as if it did not exist.
        await (await mine.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(other.PupilId, booking))).AssertProblemAsync(404);
        // A guardian without a child in the school does not see its window.
        await (await elsewhere.Client.GetAsync($"/api/selection-windows/{windowId}")).AssertProblemAsync(404);
        Assert.Empty((await elsewhere.Client.GetJsonAsync("/api/selection-windows")).AsArray());
        await (await elsewhere.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(elsewhere.PupilId, booking))).AssertProblemAsync(404);

        var applied = await (await mine.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(mine.PupilId, booking))).AssertStatusAsync(201);
        await (await other.Client.GetAsync($"/api/selection-windows/{windowId}/applications/{applied.Id()}")).AssertProblemAsync(404);
        await (await other.Client.DeleteAsync($"/api/selection-windows/{windowId}/applications/{applied.Id()}")).AssertProblemAsync(404);
        // A guardian reviews nothing; another school reviews nothing of this one; a provider reads no window.
        await (await mine.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{applied.Id()}/class-review", new { approve = true })).AssertProblemAsync(403);
        var school2 = await _factory.ClientForAsync("school2");
        await (await school2.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{applied.Id()}/class-review", new { approve = true })).AssertProblemAsync(404);
        await (await school2.GetAsync($"/api/selection-windows/{windowId}/applications")).AssertProblemAsync(404);
        await (await school2.PostJsonAsync($"/api/selection-windows/{windowId}/close", null)).AssertProblemAsync(404);
        await (await (await _factory.ClientForAsync("provider1")).GetAsync("/api/selection-windows")).AssertProblemAsync(403);
        // A guardian does not open windows.
        await (await mine.Client.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = booking }]))).AssertProblemAsync(403);
    }

    [Fact]
    public async Task BadInput_IsA400NamingEachField_AndAClosedWindowIsA409()
    {
        var school = await _factory.ClientForAsync("school1");
        var empty = await (await school.PostJsonAsync("/api/selection-windows", new { programmes = Array.Empty<object>() })).AssertProblemAsync(400);
        foreach (var field in new[] { "title", "termsVersion", "opensAt", "closesAt", "mode", "capPerPupil", "programmes" })
            Assert.NotNull(empty["errors"]![field]);

        // Another school's booking is not a programme this school may offer; nor are seats beyond what it holds.
        var theirs = await ConfirmedBookingAsync(_factory, "school2", pupils: 2, hoursAhead: 72);
        var (windowId, booking) = await OpenAsync();
        await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = theirs }]))).AssertProblemAsync(400, "programmes[0]");
        await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = booking, seats = 4 }]))).AssertProblemAsync(400, "programmes[0].seats");
        var english = new HttpRequestMessage(HttpMethod.Post, "/api/selection-windows")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Window("Lottery", [new { bookingId = booking }], cap: 11)),
        };
        english.Headers.AcceptLanguage.ParseAdd("en");
        var capped = await (await school.SendAsync(english)).AssertProblemAsync(400, "capPerPupil");
        Assert.Contains("between", capped["errors"]!["capPerPupil"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        var g = await GuardianAsync(_factory, "school1", 41);
        var bad = await (await g.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications",
            new { pupilId = g.PupilId, choices = new[] { Guid.NewGuid() }, acceptedTerms = "old" })).AssertProblemAsync(400);
        Assert.NotNull(bad["errors"]!["choices[0]"]);
        Assert.NotNull(bad["errors"]!["acceptedTerms"]);
        await (await g.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", new { pupilId = g.PupilId, choices = new[] { booking, booking } }))
            .AssertProblemAsync(400, "choices[1]");

        await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/close", null)).AssertStatusAsync(200);
        var closed = await (await g.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(g.PupilId, booking))).AssertProblemAsync(409);
        Assert.Equal("selection-window-not-open", closed["code"]!.GetValue<string>());
        var notLottery = await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/draw", null)).AssertProblemAsync(409);
        Assert.Equal("selection-not-lottery", notLottery["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Demo_School1HasAnOpenWindow_ThatADemoGuardianCanApplyTo()
    {
        var first = await _factory.ClientForAsync("guardian1");
        var window = (await first.GetJsonAsync("/api/selection-windows")).AsArray().Single()!;
        Assert.Equal(("Open", "FirstCome"), (window["phase"]!.GetValue<string>(), window["mode"]!.GetValue<string>()));
        Assert.Equal(2, window["programmes"]!.AsArray().Count);
        // The first of school1's guardians with a child in a grade a programme takes (the demo's grades are random): it applies and gets a seat.
        for (var n = 1; n <= 20; n++)
        {
            var guardian = await _factory.ClientForAsync($"guardian{n}");
            foreach (var child in (await guardian.GetJsonAsync("/api/guardian/children")).AsArray())
            {
                var grade = child!["grade"]!.GetValue<int>();
                var fits = window["programmes"]!.AsArray().FirstOrDefault(p => p!["grades"]!.AsArray().Any(g => g!.GetValue<int>() == grade));
                if (fits is null || child["schoolId"]!.GetValue<Guid>() != window["schoolId"]!.GetValue<Guid>()) continue;
                var applied = await (await guardian.PostJsonAsync($"/api/selection-windows/{window.Id()}/applications",
                    new { pupilId = child.Id(), choices = new[] { fits.Id("programmeId") }, acceptedTerms = "2026-demo", safetyPledge = true })).AssertStatusAsync(201);
                Assert.Single(applied["placements"]!.AsArray());
                return;
            }
        }
        Assert.Fail("No demo child of school1 fits a programme of the demo window.");
    }
}
