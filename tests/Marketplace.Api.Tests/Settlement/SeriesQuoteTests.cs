using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests.Settlement;

/// <summary>
/// The dry run of a term booking (<c>POST /api/booking-series/quote</c>): the quote of each chosen session, computed together as the
/// booking computes them — a per-semester subsidy is used up in session order and a per-semester family cap counts what the
/// group already pays — and the term's sum; the series booked afterwards carries exactly those quotes.
/// </summary>
public sealed class SeriesQuoteTests(SettlementClockFactory factory) : IClassFixture<SettlementClockFactory>
{
    private static readonly string Semester = Core.Schools.Semester.Of(DateTimeOffset.UtcNow).Name;

    /// <summary>朝阳: ¥20.00 subsidy per pupil for the semester, the family cap per semester, insurance ¥1.00 as 代收费.</summary>
    private async Task PolicyAsync(long familyCapPerSemester) =>
        await (await (await factory.ClientForAsync("bureau-110105")).PutAsJsonAsync("/api/districts/110105/funding-policy", new
        {
            semester = Semester, subsidyFen = 2000, subsidyUnit = "PerSemester", familyCapFen = familyCapPerSemester, familyCapUnit = "PerSemester",
            collectedFees = new[] { new { kind = "Insurance", maxFen = 100 } }, disputeDays = 7,
        })).AssertStatusAsync(200);

    /// <summary>provider1's ¥12.00 80-minute offering for 朝阳 with three sessions on consecutive days, 3 days ahead.</summary>
    private async Task<(Guid OfferingId, Guid[] Sessions)> OfferingAsync()
    {
        var provider = await factory.ClientForAsync("provider1");
        var body = new
        {
            title = "少儿天文科普（整学期）", summary = "认识星空与望远镜", category = "Science", mode = "OnCampus", grades = new[] { 3, 4 }, minGroup = 1,
            maxGroup = 40, durationMinutes = 80, priceFen = 1200, districts = new[] { "110105" }, collectedFees = new[] { new { kind = "Insurance", amountFen = 100 } },
        };
        var id = (await (await provider.PostJsonAsync("/api/offerings", body)).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        (await provider.PostJsonAsync($"/api/offerings/{id}/submit", null)).EnsureSuccessStatusCode();
        (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync($"/api/offerings/{id}/approve", null)).EnsureSuccessStatusCode();
        var sessions = new List<Guid>();
        var start = DateTimeOffset.UtcNow.AddHours(72);
        for (var i = 0; i < 3; i++)
        {
            start = Demo.SchoolDay(start.AddDays(1));
            var made = await (await provider.PostJsonAsync($"/api/offerings/{id}/sessions", new { startsAt = start, endsAt = start.AddMinutes(80), capacity = 40 }))
                .AssertStatusAsync(201);
            sessions.Add(made.AsArray()[0]!["id"]!.GetValue<Guid>());
        }
        return (id, [.. sessions]);
    }

    private static object Series(Guid offeringId, Guid[] sessions, int pupils = 30, int hardship = 2) => new
    {
        offeringId, sessionIds = sessions, pupils, grades = new[] { 3 }, contactName = "李老师", contactPhone = "13900001111", hardshipPupils = hardship,
    };

    [Fact]
    public async Task SeriesQuote_RunsTheSemesterSubsidyAcrossTheSessions_SumsTheTerm_AndTheSeriesCarriesTheSameQuotes()
    {
        await PolicyAsync(familyCapPerSemester: 5000);
        var (offeringId, sessions) = await OfferingAsync();
        var school = await factory.ClientForAsync("school3");

        var dry = await (await school.PostJsonAsync("/api/booking-series/quote", Series(offeringId, sessions))).AssertStatusAsync(200);
        var quoted = dry["sessions"]!.AsArray();
        Assert.Equal(sessions, quoted.Select(q => q!["sessionId"]!.GetValue<Guid>()));
        // ¥20.00 for the semester: ¥12.00 on the first session, the ¥8.00 left on the second, nothing on the third.
        Assert.Equal([1200L, 800L, 0L], quoted.Select(q => q!["quote"]!["subsidyPerPupilFen"]!.GetValue<long>()));
        Assert.Equal([0L, 400L, 1200L], quoted.Select(q => q!["quote"]!["familySharePerPupilFen"]!.GetValue<long>()));
        var term = dry["term"]!;
        Assert.Equal(3, term["sessions"]!.GetValue<int>());
        Assert.Equal(12, term["lessonHalves"]!.GetValue<int>());
        Assert.Equal(3 * 36_000, term["lessonFeeFen"]!.GetValue<long>());
        Assert.Equal(30 * 2000, term["subsidyFen"]!.GetValue<long>());
        Assert.Equal(28 * 1600, term["familyFeeFen"]!.GetValue<long>());
        Assert.Equal(2 * 1600, term["waivedFen"]!.GetValue<long>());
        Assert.Equal(3 * 3000, term["collectedFeesFen"]!.GetValue<long>());
        Assert.Equal(1600, term["familySharePerPupilFen"]!.GetValue<long>());
        Assert.Equal(3 * 39_000, term["totalFen"]!.GetValue<long>());
        Assert.Equal(term["totalFen"]!.GetValue<long>(),
            term["subsidyFen"]!.GetValue<long>() + term["familyFeeFen"]!.GetValue<long>() + term["waivedFen"]!.GetValue<long>() + term["collectedFeesFen"]!.GetValue<long>());
        Assert.Empty(dry["unbooked"]!.AsArray());

        // Nothing was booked by the dry run; the series booked now carries exactly the quotes it showed.
        Assert.Empty((await school.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray());
        using var book = new HttpRequestMessage(HttpMethod.Post, "/api/booking-series")
        {
            Content = JsonContent.Create(Series(offeringId, sessions)), Headers = { { "Idempotency-Key", $"series-quote-{Guid.NewGuid():N}" } },
        };
        var series = await (await school.SendAsync(book)).AssertStatusAsync(201);
        Assert.Equal(term["totalFen"]!.GetValue<long>(), series["totals"]!["totalFen"]!.GetValue<long>());
        foreach (var s in series["sessions"]!.AsArray())
        {
            var booking = await school.GetJsonAsync($"/api/bookings/{s!["bookingId"]}");
            var expected = quoted.Single(q => q!["sessionId"]!.GetValue<Guid>() == s["sessionId"]!.GetValue<Guid>())!["quote"]!;
            Assert.Equal(expected.ToJsonString(), booking["quote"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task SeriesQuote_AboveTheSemesterFamilyCap_IsRefusedLikeTheBooking()
    {
        // ¥15.00 per pupil for the semester: the third session would take the family's share to ¥16.00.
        await PolicyAsync(familyCapPerSemester: 1500);
        var (offeringId, sessions) = await OfferingAsync();
        var school = await factory.ClientForAsync("school3");

        var two = await (await school.PostJsonAsync("/api/booking-series/quote", Series(offeringId, sessions[..2]))).AssertStatusAsync(200);
        Assert.Equal(400, two["term"]!["familySharePerPupilFen"]!.GetValue<long>());
        var refused = await (await school.PostJsonAsync("/api/booking-series/quote", Series(offeringId, sessions))).AssertProblemAsync(409);
        Assert.Equal("family-cap-exceeded", refused["code"]!.GetValue<string>());
        using var book = new HttpRequestMessage(HttpMethod.Post, "/api/booking-series")
        {
            Content = JsonContent.Create(Series(offeringId, sessions)), Headers = { { "Idempotency-Key", $"series-cap-{Guid.NewGuid():N}" } },
        };
        var booking = await (await school.SendAsync(book)).AssertProblemAsync(409);
        Assert.Equal("family-cap-exceeded", booking["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task AClassesSecondTermBooking_CountsWhatItsFirstUsedAndCharges_AnotherClassStartsAfresh()
    {
        // ¥20.00 subsidy and ¥7.00 family cap per pupil for the semester. 三年级2班 books two sessions: subsidy ¥12 + ¥8, family ¥0 + ¥4.
        await PolicyAsync(familyCapPerSemester: 700);
        var school = await factory.ClientForAsync("school3");
        object ForClass(Guid offeringId, Guid[] sessions, string className) => new
        {
            offeringId, sessionIds = sessions, pupils = 20, grades = new[] { 3 }, className, contactName = "李老师", contactPhone = "13900001111",
        };
        var (first, firstSessions) = await OfferingAsync();
        using (var book = new HttpRequestMessage(HttpMethod.Post, "/api/booking-series")
        {
            Content = JsonContent.Create(ForClass(first, firstSessions[..2], "三年级2班")), Headers = { { "Idempotency-Key", $"class-cap-{Guid.NewGuid():N}" } },
        })
            await (await school.SendAsync(book)).AssertStatusAsync(201);

        // The same class again: its allowance is used up, so each session is ¥12 to the families — above what is left of ¥7.
        var (second, secondSessions) = await OfferingAsync();
        var refused = await (await school.PostJsonAsync("/api/booking-series/quote", ForClass(second, secondSessions[..2], "三年级2班"))).AssertProblemAsync(409);
        Assert.Equal("family-cap-exceeded", refused["code"]!.GetValue<string>());
        Assert.Equal(300, refused["limitFen"]!.GetValue<long>());
        // Another class (other pupils) has its own allowance and cap: ¥0 + ¥4.
        var other = await (await school.PostJsonAsync("/api/booking-series/quote", ForClass(second, secondSessions[..2], "三年级3班"))).AssertStatusAsync(200);
        Assert.Equal(400, other["term"]!["familySharePerPupilFen"]!.GetValue<long>());
    }

    [Fact]
    public async Task SeriesQuote_ChecksTheRequest_AndOnlySchoolsAsk()
    {
        await PolicyAsync(familyCapPerSemester: 5000);
        var (offeringId, sessions) = await OfferingAsync();
        var school = await factory.ClientForAsync("school3");

        // More 家庭经济困难 pupils than pupils: 400 naming the field, for the dry run and for the booking alike (not a 500).
        await (await school.PostJsonAsync("/api/booking-series/quote", Series(offeringId, sessions, pupils: 30, hardship: 31))).AssertProblemAsync(400, "hardshipPupils");
        using var book = new HttpRequestMessage(HttpMethod.Post, "/api/booking-series")
        {
            Content = JsonContent.Create(Series(offeringId, sessions, pupils: 30, hardship: 31)), Headers = { { "Idempotency-Key", $"series-h-{Guid.NewGuid():N}" } },
        };
        await (await school.SendAsync(book)).AssertProblemAsync(400, "hardshipPupils");
        // The dry run needs no contact; a session of another offering is named.
        await (await school.PostJsonAsync("/api/booking-series/quote", new { offeringId, sessionIds = new[] { sessions[0] }, pupils = 10, grades = new[] { 3 } }))
            .AssertStatusAsync(200);
        await (await school.PostJsonAsync("/api/booking-series/quote", new { offeringId, sessionIds = new[] { sessions[0], Guid.NewGuid() }, pupils = 10, grades = new[] { 3 } }))
            .AssertProblemAsync(400, "sessionIds[1]");
        await (await (await factory.ClientForAsync("provider1")).PostJsonAsync("/api/booking-series/quote", Series(offeringId, sessions))).AssertProblemAsync(403);
    }
}
