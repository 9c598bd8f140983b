using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Families;

/// <summary>
/// Roll call (issue 18): the provider's teacher takes the roll, the delivery's attendance is the roll's count (据实结算), the school's
/// 巡课 teacher corrects it until the delivery is settled and not after; only the booking's provider and school take or read it;
/// a guardian reads its own child's attendance only.
/// </summary>
public sealed class RollCallTests(RollCallFactory factory) : IClassFixture<RollCallFactory>
{
    private static async Task<JsonNode> PutAsync(HttpClient client, string url, object body, int status = 200, string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body) };
        if (language is not null) request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await client.SendAsync(request);
        return status == 200 ? await response.AssertStatusAsync(200) : await response.AssertProblemAsync(status);
    }

    private static bool? Mark(JsonNode view, Guid pupil) =>
        view["pupils"]!.AsArray().Single(p => p!["pupilId"]!.GetValue<Guid>() == pupil)!["present"]?.GetValue<bool>();

    [Fact]
    public async Task ProviderTakesRoll_CompletesOnItsCount_PatrolTeacherCorrectsBeforeSettlement_NotAfter_AndTheLedgerRestsOnTheRoll()
    {
        var c = await RollCallClass.CreateAsync(factory, "settle");
        var (p1, p2, p3) = (c.Pupils[0], c.Pupils[1], c.Pupils[2]);
        var feedStart = (await c.Provider.ReadFeedAsync()).Next;

        var taken = await PutAsync(c.Provider, c.Url, RollCallClass.Marks((p1, true), (p2, true), (p3, true)));
        Assert.Equal((3, 0, 0, true), (taken["present"]!.GetValue<int>(), taken["absent"]!.GetValue<int>(), taken["unmarked"]!.GetValue<int>(), taken["editable"]!.GetValue<bool>()));

        // A different attendance than the roll's is refused, naming the roll's count in the caller's language; none given: the roll's.
        var refused = await (await c.Provider.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/bookings/{c.BookingId}/complete")
        {
            Content = JsonContent.Create(new { attended = 2 }), Headers = { { "Accept-Language", "en" } },
        })).AssertProblemAsync(400, "attended");
        Assert.Contains("counts 3 present", refused["errors"]!["attended"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var completed = await (await c.Provider.PostJsonAsync($"/api/bookings/{c.BookingId}/complete", new { })).AssertStatusAsync(200);
        Assert.Equal(3, completed["delivery"]!["attended"]!.GetValue<int>());

        // The school's 巡课 teacher finds p3 absent: the recorded delivery follows the roll.
        var corrected = await PutAsync(c.School, c.Url, RollCallClass.Marks((p3, false)));
        Assert.Equal((2, 1, false), (corrected["present"]!.GetValue<int>(), corrected["absent"]!.GetValue<int>(), Mark(corrected, p3)));
        Assert.Equal(["provider", "school"], corrected["revisions"]!.AsArray().Select(r => r!["side"]!.GetValue<string>()));
        var booking = await c.School.GetJsonAsync($"/api/bookings/{c.BookingId}");
        Assert.Equal(2, booking["delivery"]!["attended"]!.GetValue<int>());

        await (await c.School.PostJsonAsync($"/api/bookings/{c.BookingId}/delivery/confirm", new { })).AssertStatusAsync(200);
        // Settled: nobody changes the roll any more; it still reads.
        Assert.Equal("rollcall-settled", (await PutAsync(c.School, c.Url, RollCallClass.Marks((p3, true)), 409))["code"]!.GetValue<string>());
        Assert.Equal("rollcall-settled", (await PutAsync(c.Provider, c.Url, RollCallClass.Marks((p2, false)), 409))["code"]!.GetValue<string>());
        var final = await c.Provider.GetJsonAsync(c.Url);
        Assert.Equal((2, false), (final["present"]!.GetValue<int>(), final["editable"]!.GetValue<bool>()));

        // 3 booked at ¥12.00 + ¥1.00 insurance, 2 present by the roll: the provider is owed 2 × 1,200, insurance used 2 × 100.
        var settlement = (await c.School.GetJsonAsync("/api/ledger?limit=500")).AsArray()
            .Single(t => t!["businessKey"]!.GetValue<string>() == $"settlement:{c.BookingId:N}")!;
        long Entry(string prefix) => settlement["entries"]!.AsArray().Where(e => e!["account"]!.GetValue<string>().StartsWith(prefix, StringComparison.Ordinal))
            .Sum(e => e!["amountFen"]!.GetValue<long>());
        Assert.Equal((-2_400, -200, 3_900), (Entry("provider-payable:"), Entry("collected-payable:"), Entry("clearing:")));

        // Both sides heard of each save, counts only.
        foreach (var side in new[] { c.Provider, c.School })
        {
            var feed = (await side.ReadFeedAsync(feedStart)).Items.Where(i => i!["type"]!.GetValue<string>() == "rollCallChanged" && i["data"]!["bookingId"]!.GetValue<Guid>() == c.BookingId).ToList();
            Assert.Equal([3, 2], feed.Select(i => i!["data"]!["present"]!.GetValue<int>()));
        }
    }

    [Fact]
    public async Task OnlyTheBookingsProviderAndSchool_TakeTheRoll_OnlyAfterTheStart_OnlyForTheClassList()
    {
        var c = await RollCallClass.CreateAsync(factory, "auth", pupils: 3, consented: 2, start: false);
        var (p1, unconsented) = (c.Pupils[0], c.Pupils[2]);
        var early = await PutAsync(c.Provider, c.Url, RollCallClass.Marks((p1, true)), 409);
        Assert.Equal("rollcall-not-started", early["code"]!.GetValue<string>());
        factory.Clock.Advance(TimeSpan.FromHours(80));

        foreach (var other in new[] { "provider2", "school4" })
        {
            var client = await factory.ClientForAsync(other);
            await (await client.GetAsync(c.Url)).AssertProblemAsync(404);
            await PutAsync(client, c.Url, RollCallClass.Marks((p1, true)), 404);
        }
        foreach (var outsider in new[] { await factory.ClientForAsync("bureau-110105"), c.Guardians[0] })
        {
            await (await outsider.GetAsync(c.Url)).AssertProblemAsync(403);
            await PutAsync(outsider, c.Url, RollCallClass.Marks((p1, true)), 403);
        }

        // A pupil not on the class list (another's, or one the provider may not see without consent), bad input: 400 naming the field.
        await PutAsync(c.Provider, c.Url, RollCallClass.Marks((p1, true), (Guid.NewGuid(), true)), 400);
        var hidden = await PutAsync(c.Provider, c.Url, RollCallClass.Marks((unconsented, true)), 400, "zh-CN");
        Assert.Equal("该学生不在本场次的学生名单上", hidden["errors"]!["marks[0].pupilId"]![0]!.GetValue<string>());
        await PutAsync(c.Provider, c.Url, new { marks = Array.Empty<object>() }, 400);
        await PutAsync(c.Provider, c.Url, new { marks = new[] { new { pupilId = p1 } } }, 400);
        await PutAsync(c.Provider, c.Url, RollCallClass.Marks((p1, true), (p1, false)), 400);

        // The provider sees the consented two; the school all three and marks the third.
        var providerView = await c.Provider.GetJsonAsync(c.Url);
        Assert.Equal((2, 1), (providerView["pupils"]!.AsArray().Count, providerView["withoutConsent"]!.GetValue<int>()));
        var schoolView = await PutAsync(c.School, c.Url, RollCallClass.Marks((unconsented, true)));
        Assert.Equal((3, 1, 2), (schoolView["pupils"]!.AsArray().Count, schoolView["present"]!.GetValue<int>(), schoolView["unmarked"]!.GetValue<int>()));
    }

    [Fact]
    public async Task TeacherAndPatrol_MarkingAtOnce_BothLand()
    {
        var c = await RollCallClass.CreateAsync(factory, "race", pupils: 4);
        var saves = c.Pupils.Select((p, i) => PutAsync(i % 2 == 0 ? c.Provider : c.School, c.Url, RollCallClass.Marks((p, i != 3)))).ToList();
        await Task.WhenAll(saves);
        var view = await c.School.GetJsonAsync(c.Url);
        Assert.Equal([true, true, true, false], c.Pupils.Select(p => Mark(view, p)));
        Assert.Equal(4, view["revisions"]!.AsArray().Count);
        var booking = await c.Provider.GetJsonAsync($"/api/bookings/{c.BookingId}");
        Assert.Equal(3, booking["rollPresent"]!.GetValue<int>());
    }

    [Fact]
    public async Task AGuardian_ReadsOnlyItsOwnChildsAttendance()
    {
        var c = await RollCallClass.CreateAsync(factory, "guardian", pupils: 2);
        await PutAsync(c.Provider, c.Url, RollCallClass.Marks((c.Pupils[0], true), (c.Pupils[1], false)));

        var own = await c.Guardians[1].GetJsonAsync($"/api/guardian/children/{c.Pupils[1]}/attendance");
        var session = Assert.Single(own["sessions"]!.AsArray())!;
        Assert.Equal((c.BookingId, false, "少儿天文科普", 0, 1), (session["bookingId"]!.GetValue<Guid>(), session["present"]!.GetValue<bool>(),
            session["offeringTitle"]!.GetValue<string>(), own["present"]!.GetValue<int>(), own["absent"]!.GetValue<int>()));
        Assert.EndsWith("+08:00", session["sessionStartsAt"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(Assert.Single((await c.Guardians[0].GetJsonAsync($"/api/guardian/children/{c.Pupils[0]}/attendance"))["sessions"]!.AsArray())!["present"]!.GetValue<bool>());

        await (await c.Guardians[0].GetAsync($"/api/guardian/children/{c.Pupils[1]}/attendance")).AssertProblemAsync(404);
        await (await c.Provider.GetAsync($"/api/guardian/children/{c.Pupils[1]}/attendance")).AssertProblemAsync(403);
        await (await c.School.GetAsync($"/api/guardian/children/{c.Pupils[1]}/attendance")).AssertProblemAsync(403);
    }
}
