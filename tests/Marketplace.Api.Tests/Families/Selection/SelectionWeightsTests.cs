using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Families;
using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Identity;
using Marketplace.Core.Families.RollCall;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>
/// Issue 18, the lottery's <c>no-activity</c> weight (尚无课后活动) from data: a pupil placed in another window of the school this semester or
/// present on a roll has an activity, one absent or with nothing has none; the flag is fixed at the close (a seat taken after it changes
/// nothing), recorded on each applicant's audit line (the guardian's stays its own child's), checked by the re-run, and the draw favours
/// the idle pupils as the weights say over fixed seeds.
/// </summary>
public sealed class SelectionWeightsTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static object LotteryWindow(Guid bookingId, string[]? priority = null) => new
    {
        title = "2026 秋季抽签选课", opensAt = DateTimeOffset.UtcNow.AddMinutes(-1), closesAt = DateTimeOffset.UtcNow.AddDays(3), mode = "Lottery", capPerPupil = 1,
        weights = new Dictionary<string, int> { ["no-activity"] = 2 }, priorityFlags = priority ?? [], termsVersion = "terms-2026-09",
        safetyPledgeRequired = false, programmes = new[] { new { bookingId } },
    };

    [Fact]
    public async Task NoActivity_IsFixedAtTheClose_FromPlacementsAndRolls_WeighsInTheDraw_AndIsOnTheAuditLines()
    {
        var elsewhere = await ConfirmedBookingAsync(_factory, "school1", pupils: 3, hoursAhead: 48);
        var seat = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 96);
        var school = await _factory.ClientForAsync("school1");
        var firstCome = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = elsewhere }]))).AssertStatusAsync(201)).Id();
        var lottery = (await (await school.PostJsonAsync("/api/selection-windows", LotteryWindow(seat))).AssertStatusAsync(201)).Id();
        var g = new List<TestGuardian>();
        for (var n = 0; n < 5; n++) g.Add(await GuardianAsync(_factory, "school1", 1800 + n));
        var (placed, present, absent, late, idle) = (g[0], g[1], g[2], g[3], g[4]);

        // placed: a seat in the school's first-come window this semester; present / absent: marked on a roll of this semester.
        var placedThere = await (await placed.Client.PostJsonAsync($"/api/selection-windows/{firstCome}/applications", Apply(placed.PupilId, elsewhere))).AssertStatusAsync(201);
        Assert.Single(placedThere["placements"]!.AsArray());
        var store = _factory.Services.GetRequiredService<IMarketplaceStore>();
        var schoolId = await _factory.OrganizationOfAsync("school1");
        var school1 = (await store.FindAsync<School>(schoolId))!;
        var roll = Roll.For(Guid.NewGuid(), schoolId, Guid.NewGuid(), school1.DistrictCode, DateTimeOffset.UtcNow.AddHours(-2), DateTimeOffset.UtcNow);
        roll.Mark([(present.PupilId, true), (absent.PupilId, false)], DateTimeOffset.UtcNow, "School:patrol", Roll.SchoolSide);
        await store.CommitAsync(new StoreChanges().Insert(roll));

        foreach (var guardian in g)
        {
            var id = (await (await guardian.Client.PostJsonAsync($"/api/selection-windows/{lottery}/applications", Apply(guardian.PupilId, seat))).AssertStatusAsync(201)).Id();
            await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/applications/{id}/class-review", new { approve = true })).AssertStatusAsync(200);
            await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/applications/{id}/school-review", new { approve = true })).AssertStatusAsync(200);
        }
        var open = await school.GetJsonAsync($"/api/selection-windows/{lottery}");
        Assert.Null(open["flagsFixedAt"]);
        var closed = await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/close", null)).AssertStatusAsync(200);
        Assert.NotNull(closed["flagsFixedAt"]);

        // After the close, `late` takes a seat elsewhere: the list was fixed at the close, so it still draws as a pupil without activity.
        await (await late.Client.PostJsonAsync($"/api/selection-windows/{firstCome}/applications", Apply(late.PupilId, elsewhere))).AssertStatusAsync(201);
        var draw = await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/draw", null)).AssertStatusAsync(200);
        Assert.True(draw["check"]!["matches"]!.GetValue<bool>());
        var flags = draw["request"]!["applicants"]!.AsArray().ToDictionary(a => a!["pupilId"]!.GetValue<Guid>(),
            a => a!["flags"]!.AsArray().Select(f => f!.GetValue<string>()).ToList());
        Assert.Empty(flags[placed.PupilId]);
        Assert.Empty(flags[present.PupilId]);
        foreach (var pupil in new[] { absent, late, idle }) Assert.Equal(["no-activity"], flags[pupil.PupilId]);
        var weights = draw["result"]!["audit"]!["draw"]!.AsArray().ToDictionary(e => e!["pupilId"]!.GetValue<Guid>(), e => e!["weight"]!.GetValue<int>());
        Assert.Equal([1, 1, 2, 2, 2], g.Select(x => weights[x.PupilId]));
        Assert.Equal([(0, 2, 3), (0, 1, 2)], draw["weightClasses"]!.AsArray()
            .Select(c => (c!["tier"]!.GetValue<int>(), c["weight"]!.GetValue<int>(), c["pupils"]!.GetValue<int>())));

        // A guardian's audit: its own child's line with its flag, nobody else's id.
        var mine = await absent.Client.GetJsonAsync($"/api/selection-windows/{lottery}/audit");
        Assert.True(mine["redacted"]!.GetValue<bool>());
        Assert.Equal(["no-activity"], mine["request"]!["applicants"]!.AsArray().Single()!["flags"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(2, mine["result"]!["audit"]!["draw"]!.AsArray().Single()!["weight"]!.GetValue<int>());
        foreach (var other in g.Where(x => x != absent)) Assert.DoesNotContain(other.PupilId.ToString(), mine.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        // The published input, drawn again over fixed seeds: three idle pupils of weight 2 and two of weight 1 on one seat — an idle pupil wins
        // with p = 6/8 = 0.75 (N = 1,000: σ = 0.0137, tolerance ±0.055); weights ignored would give 0.6 (11 σ away).
        var request = JsonSerializer.Deserialize<AllocationRequest>(draw["request"]!.ToJsonString(), StoreJson.Options)!;
        var idleIds = flags.Where(f => f.Value.Count > 0).Select(f => f.Key).ToHashSet();
        const int draws = 1_000;
        var wins = Enumerable.Range(0, draws).Count(s => idleIds.Contains(AllocationEngine.Allocate(request with { Seed = $"weights-{s}" }).Placements.Single().PupilId));
        var tolerance = 4 * Math.Sqrt(0.75 * 0.25 / draws);
        Assert.True(Math.Abs(wins / (double)draws - 0.75) <= tolerance, $"idle pupils won {wins} of {draws}, expected 0.75 ± {tolerance:F3}");
    }

    [Fact]
    public async Task NoActivity_OfAWindowClosedByTheClock_IsFixedAtTheDraw()
    {
        var elsewhere = await ConfirmedBookingAsync(_factory, "school1", pupils: 2, hoursAhead: 48);
        var seat = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 96);
        var school = await _factory.ClientForAsync("school1");
        var firstCome = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = elsewhere }]))).AssertStatusAsync(201)).Id();
        var lottery = (await (await school.PostJsonAsync("/api/selection-windows", LotteryWindow(seat, priority: ["no-activity"]))).AssertStatusAsync(201)).Id();
        var (busy, idle) = (await GuardianAsync(_factory, "school1", 1810), await GuardianAsync(_factory, "school1", 1811));
        await (await busy.Client.PostJsonAsync($"/api/selection-windows/{firstCome}/applications", Apply(busy.PupilId, elsewhere))).AssertStatusAsync(201);
        foreach (var guardian in new[] { busy, idle })
        {
            var id = (await (await guardian.Client.PostJsonAsync($"/api/selection-windows/{lottery}/applications", Apply(guardian.PupilId, seat))).AssertStatusAsync(201)).Id();
            await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/applications/{id}/class-review", new { approve = true })).AssertStatusAsync(200);
            await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/applications/{id}/school-review", new { approve = true })).AssertStatusAsync(200);
        }
        await (await school.PutAsJsonAsync($"/api/selection-windows/{lottery}/closes-at", new { closesAt = DateTimeOffset.UtcNow.AddSeconds(2) })).AssertStatusAsync(200);
        for (var i = 0; i < 50 && (await school.GetJsonAsync($"/api/selection-windows/{lottery}"))["phase"]!.GetValue<string>() != "Closed"; i++) await Task.Delay(100);
        Assert.Null((await school.GetJsonAsync($"/api/selection-windows/{lottery}"))["flagsFixedAt"]);

        var draw = await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/draw", null)).AssertStatusAsync(200);
        Assert.True(draw["check"]!["matches"]!.GetValue<bool>());
        // Priority no-activity: the idle pupil is in tier 0 and takes the one seat whatever the seed.
        Assert.Equal(idle.PupilId, draw["result"]!["placements"]!.AsArray().Single()!["pupilId"]!.GetValue<Guid>());
        Assert.NotNull((await school.GetJsonAsync($"/api/selection-windows/{lottery}"))["flagsFixedAt"]);
    }

    [Fact]
    public async Task NoActivity_OfAnApplicationCommittedJustAfterTheClose_IsDecidedAtTheDraw()
    {
        var elsewhere = await ConfirmedBookingAsync(_factory, "school1", pupils: 2, hoursAhead: 48);
        var seat = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 96);
        var school = await _factory.ClientForAsync("school1");
        var firstCome = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = elsewhere }]))).AssertStatusAsync(201)).Id();
        var lottery = (await (await school.PostJsonAsync("/api/selection-windows", LotteryWindow(seat, priority: ["no-activity"]))).AssertStatusAsync(201)).Id();
        var (busy, idle) = (await GuardianAsync(_factory, "school1", 1820), await GuardianAsync(_factory, "school1", 1821));
        await (await busy.Client.PostJsonAsync($"/api/selection-windows/{firstCome}/applications", Apply(busy.PupilId, elsewhere))).AssertStatusAsync(201);
        var busyApplication = (await (await busy.Client.PostJsonAsync($"/api/selection-windows/{lottery}/applications", Apply(busy.PupilId, seat))).AssertStatusAsync(201)).Id();
        var store = _factory.Services.GetRequiredService<IMarketplaceStore>();
        var window = (await store.FindAsync<SelectionWindow>(lottery))!;
        var idlePupil = (await store.FindAsync<Pupil>(idle.PupilId))!;
        var submittedAt = DateTimeOffset.UtcNow;
        await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/close", null)).AssertStatusAsync(200);

        // The idle pupil's submission read the window open and committed after the close (as ApplyAsync does when the two meet): the close
        // never saw it. The school's list hints it, and the draw decides it, so it is not drawn as a pupil with an activity.
        var late = SelectionApplication.Submit(window, idlePupil, idle.UserId, [seat], "terms-2026-09", false, submittedAt, "g");
        await store.CommitAsync(new StoreChanges().Insert(late));
        var list = (await school.GetJsonAsync($"/api/selection-windows/{lottery}/applications")).AsArray();
        Assert.Null(list.Single(a => a!["id"]!.GetValue<Guid>() == busyApplication)!["noActivityHint"]);
        Assert.True(list.Single(a => a!["id"]!.GetValue<Guid>() == late.Id)!["noActivityHint"]!.GetValue<bool>());
        foreach (var id in new[] { busyApplication, late.Id })
        {
            await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/applications/{id}/class-review", new { approve = true })).AssertStatusAsync(200);
            await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/applications/{id}/school-review", new { approve = true })).AssertStatusAsync(200);
        }

        var draw = await (await school.PostJsonAsync($"/api/selection-windows/{lottery}/draw", null)).AssertStatusAsync(200);
        Assert.True(draw["check"]!["matches"]!.GetValue<bool>());
        var flags = draw["request"]!["applicants"]!.AsArray().ToDictionary(a => a!["pupilId"]!.GetValue<Guid>(),
            a => a!["flags"]!.AsArray().Select(f => f!.GetValue<string>()).ToList());
        Assert.Empty(flags[busy.PupilId]);
        Assert.Equal(["no-activity"], flags[idle.PupilId]);
        Assert.Equal(idle.PupilId, draw["result"]!["placements"]!.AsArray().Single()!["pupilId"]!.GetValue<Guid>());
        Assert.All(await store.FindManyAsync<SelectionApplication>([busyApplication, late.Id]), a => Assert.NotNull(a.ActivityFixedAt));
    }

    [Fact]
    public async Task AWindowOpenedBeforeItsSemester_BelongsToTheSemesterOfItsSessions()
    {
        // A session three weeks into the next semester, chosen for now (late August for autumn, January for spring).
        var now = Semester.Of(DateTimeOffset.UtcNow);
        var hoursAhead = (int)Math.Ceiling((now.End.AddDays(21) - DateTimeOffset.UtcNow).TotalHours);
        var next = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: hoursAhead);
        var school = await _factory.ClientForAsync("school1");
        var window = await (await school.PostJsonAsync("/api/selection-windows", LotteryWindow(next))).AssertStatusAsync(201);
        var expected = Semester.Of(DateTimeOffset.UtcNow.AddHours(hoursAhead)).Name;
        Assert.NotEqual(now.Name, expected);
        Assert.Equal(expected, window["semester"]!.GetValue<string>());
    }

    [Fact]
    public async Task Close_InParallelWithReviews_LosesNeitherAReviewNorAFlag()
    {
        var seat = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 96);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", LotteryWindow(seat))).AssertStatusAsync(201)).Id();
        var store = _factory.Services.GetRequiredService<IMarketplaceStore>();
        var schoolId = await _factory.OrganizationOfAsync("school1");
        var district = (await store.FindAsync<School>(schoolId))!.DistrictCode;
        var window = (await store.FindAsync<SelectionWindow>(windowId))!;
        var changes = new StoreChanges();
        var ids = new List<Guid>();
        for (var n = 0; n < 30; n++)
        {
            var user = User.DemoGuardian($"close-guardian-{n}", "unused", $"135{n:D8}", $"家长{n}");
            var pupil = Pupil.Create(schoolId, district, $"学生{n}", 3, "1班", user.Id, user.Phone!, false, DateTimeOffset.UtcNow);
            var application = SelectionApplication.Submit(window, pupil, user.Id, [seat], "terms-2026-09", false, DateTimeOffset.UtcNow, "g");
            changes.Insert(user).Insert(pupil).Insert(application);
            ids.Add(application.Id);
        }
        await store.CommitAsync(changes);

        // 30 班级审核 and the close at once: each writes the same applications; a loser reads again and decides again.
        var reviews = ids.Select(id => Task.Run(async () =>
            (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{id}/class-review", new { approve = true })).AssertStatusAsync(200))).ToList();
        var close = Task.Run(async () => (await school.PostJsonAsync($"/api/selection-windows/{windowId}/close", null)).AssertStatusAsync(200));
        await Task.WhenAll([.. reviews, close]);

        var stored = await store.FindManyAsync<SelectionApplication>(ids);
        Assert.Equal(30, stored.Count);
        Assert.All(stored, a => Assert.Equal(ApplicationStatus.ClassApproved, a.Status));
        Assert.All(stored, a => Assert.Equal([SelectionFlags.NoActivity], a.Flags));
        Assert.NotNull((await store.FindAsync<SelectionWindow>(windowId))!.FlagsFixedAt);
    }
}
