using System.Net.Http.Json;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Api.Tests.Settlement;
using Marketplace.Core.Reports;

namespace Marketplace.Api.Tests.Families;

/// <summary>
/// Participation is exact where rolls exist (issue 18): a school with roll calls this semester counts its distinct present pupils —
/// in the under-served list and the coverage report — where the estimate (the largest group per grade band) counts 2 for the same
/// two sessions: pupils 1 and 2 came to the first, pupil 3 to the second.
/// </summary>
public sealed class RollCallParticipationTests(RollCallFactory factory) : IClassFixture<RollCallFactory>
{
    private static readonly string Semester = Core.Schools.Semester.Of(DateTimeOffset.UtcNow).Name;

    [Fact]
    public async Task ASchoolWithRolls_CountsItsDistinctPresentPupils_TheOthersKeepTheEstimate()
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        var schoolId = await factory.OrganizationOfAsync("school3");
        async Task<(long Served, bool ByRoll)> StandingAsync()
        {
            var report = await bureau.GetJsonAsync($"/api/reports/under-served?district=110105&semester={Semester}");
            var school = report["all"]!.AsArray().Single(s => s!["schoolId"]!.GetValue<Guid>() == schoolId)!;
            return (school["pupilsServed"]!.GetValue<long>(), school["byRollCall"]!.GetValue<bool>());
        }
        async Task<(long Pupils, int ByRoll, string Method)> CoverageAsync()
        {
            var p = (await bureau.GetJsonAsync($"/api/reports/coverage?district=110105&semester={Semester}"))["total"]!["current"]!["participation"]!;
            return (p["pupilsEstimated"]!.GetValue<long>(), p["schoolsByRollCall"]!.GetValue<int>(), p["method"]!.GetValue<string>());
        }

        var first = await RollCallClass.CreateAsync(factory, "part", pupils: 3);
        var (provider, sessionId, start) = await SettlementFlowTests.SessionAsync(factory);
        var second = (await (await first.School.SendAsync(SettlementFlowTests.Book(sessionId, "rollcall-part-2", 3, hardship: 0))).AssertStatusAsync(201))["id"]!.GetValue<Guid>();
        await (await provider.PostJsonAsync($"/api/bookings/{second}/confirm", null)).AssertStatusAsync(200);
        await (await first.School.PutAsJsonAsync($"/api/bookings/{second}/pupils", new { pupilIds = first.Pupils })).AssertStatusAsync(200);
        factory.Clock.SetUtcNow(start.AddMinutes(81));

        var (estimated, byRoll) = await StandingAsync();
        var before = await CoverageAsync();
        Assert.False(byRoll);
        Assert.Equal((0, CoverageQueries.ParticipationMethod), (before.ByRoll, before.Method));

        var (p1, p2, p3) = (first.Pupils[0], first.Pupils[1], first.Pupils[2]);
        await (await provider.PutAsJsonAsync(first.Url, RollCallClass.Marks((p1, true), (p2, true), (p3, false)))).AssertStatusAsync(200);
        await (await provider.PutAsJsonAsync($"/api/bookings/{second}/roll-call", RollCallClass.Marks((p1, false), (p2, false), (p3, true)))).AssertStatusAsync(200);
        await (await provider.PostJsonAsync($"/api/bookings/{first.BookingId}/complete", new { })).AssertStatusAsync(200);
        await (await provider.PostJsonAsync($"/api/bookings/{second}/complete", new { })).AssertStatusAsync(200);

        Assert.Equal((3L, true), await StandingAsync());
        var after = await CoverageAsync();
        Assert.Equal((before.Pupils - estimated + 3, 1, CoverageQueries.ParticipationMethodWithRollCall), after);
    }
}
