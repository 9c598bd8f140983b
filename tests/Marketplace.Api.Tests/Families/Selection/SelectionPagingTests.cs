using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Families;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>
/// Issue 18, a window of more applications than one page (520, more than the 500 a page may hold): the school's list pages by id
/// (<c>limit</c>, <c>after</c>, <c>Link</c>; 100 by default) with the total in <c>X-Total-Count</c>, every application exactly once, the
/// class filter counted alike; the lottery's asked counts and the no-activity hint come from the store, not from the page read.
/// </summary>
public sealed class SelectionPagingTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private sealed record Lottery(Guid BookingId, HttpClient School, Guid WindowId, IMarketplaceStore Store, Guid SchoolId, string District,
        List<SelectionApplication> Applications, List<Pupil> Pupils);

    /// <summary>school1's lottery window over one seat and <paramref name="count"/> applications written straight to the store (grade 3,
    /// class <paramref name="classOf"/>(n), submitted a millisecond apart), each reviewed by <paramref name="review"/> before it is written.</summary>
    private async Task<Lottery> LotteryAsync(int count, string prefix, Func<int, string> classOf, Action<SelectionApplication>? review = null)
    {
        var booking = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 72);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("Lottery", [new { bookingId = booking }]))).AssertStatusAsync(201)).Id();
        var store = _factory.Services.GetRequiredService<IMarketplaceStore>();
        var schoolId = await _factory.OrganizationOfAsync("school1");
        var district = (await store.FindAsync<School>(schoolId))!.DistrictCode;
        var window = (await store.FindAsync<SelectionWindow>(windowId))!;
        var now = DateTimeOffset.UtcNow;
        var changes = new StoreChanges();
        var lottery = new Lottery(booking, school, windowId, store, schoolId, district, [], []);
        for (var n = 0; n < count; n++)
        {
            var user = User.DemoGuardian($"{prefix}-guardian-{n}", "unused", $"139{n:D8}", $"家长{n}");
            var pupil = Pupil.Create(schoolId, district, $"{prefix}学生{n}", 3, classOf(n), user.Id, user.Phone!, false, now);
            var application = SelectionApplication.Submit(window, pupil, user.Id, [booking], "terms-2026-09", false, now.AddMilliseconds(n), "g");
            review?.Invoke(application);
            changes.Insert(user).Insert(pupil).Insert(application);
            lottery.Applications.Add(application);
            lottery.Pupils.Add(pupil);
        }
        await store.CommitAsync(changes);
        return lottery;
    }

    [Fact]
    public async Task ApplicationsBeyondOnePage_ArePagedByIdWithTheTotal_AndEachIsListedOnce()
    {
        var (booking, school, windowId, _, schoolId, district, applications, _) = await LotteryAsync(520, "page", n => n % 4 == 0 ? "2班" : "1班");
        var ids = applications.Select(a => a.Id).ToList();

        var url = $"/api/selection-windows/{windowId}/applications";
        var first = await school.GetAsync(url);
        Assert.Equal(100, (await first.AssertStatusAsync(200)).AsArray().Count); // the default page, as before
        Assert.Equal("520", first.Headers.GetValues("X-Total-Count").Single());

        var seen = new List<Guid>();
        var pages = 0;
        for (var next = $"{url}?limit=500"; next is not null && pages < 5; pages++)
        {
            var response = await school.GetAsync(next);
            seen.AddRange((await response.AssertStatusAsync(200)).AsArray().Select(a => a!.Id()));
            Assert.Equal("520", response.Headers.GetValues("X-Total-Count").Single());
            next = response.Headers.TryGetValues("Link", out var link) ? link.Single().Split('<', '>')[1] : null;
        }
        Assert.Equal(2, pages); // 500, then 20
        Assert.Equal(ids.OrderBy(id => id.ToString("D"), StringComparer.Ordinal), seen); // the stores order ids as their text

        var secondClass = await school.GetAsync($"{url}?grade=3&className=2班&limit=50");
        Assert.Equal(50, (await secondClass.AssertStatusAsync(200)).AsArray().Count);
        Assert.Equal("130", secondClass.Headers.GetValues("X-Total-Count").Single());

        // The page's figures beyond what it shows: every application asked for the programme; none of these pupils has an activity yet.
        var queries = _factory.Services.GetRequiredService<SelectionQueries>();
        var caller = new Caller(Guid.NewGuid(), "school1", Role.School, schoolId, [district]);
        Assert.Equal(520, (await queries.AskedAsync(caller, windowId))[booking]);
        var page = await queries.ApplicationsAsync(caller, windowId, null, null, 100, null);
        Assert.All(page, v => Assert.True(v.NoActivityHint));
        await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/close", null)).AssertStatusAsync(200);
        var closed = await queries.ApplicationsAsync(caller, windowId, null, null, 100, null);
        Assert.All(closed, v => Assert.Null(v.NoActivityHint));
        Assert.All(closed, v => Assert.Contains(SelectionFlags.NoActivity, v.Application.Flags)); // fixed on all 520 at the close
        Assert.Equal(520, (await queries.AskedAsync(caller, windowId))[booking]);
    }

    [Fact]
    public async Task AfterTheDraw_TheSchoolsResultListsNameEveryApplicant_NotOnlyThoseOfThePageShown()
    {
        var (_, school, windowId, _, schoolId, district, _, pupils) = await LotteryAsync(150, "draw", _ => "1班", a =>
        {
            a.Review(ReviewStep.Class, true, null, DateTimeOffset.UtcNow, "t");
            a.Review(ReviewStep.School, true, null, DateTimeOffset.UtcNow, "t");
        });
        var names = pupils.ToDictionary(p => p.Id, p => p.Name);
        await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/close", null)).AssertStatusAsync(200);
        await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/draw", null)).AssertStatusAsync(200);

        // The page shows 100 applications; the result lists (one placed, 149 waiting) name all 150 from one read.
        var queries = _factory.Services.GetRequiredService<SelectionQueries>();
        var caller = new Caller(Guid.NewGuid(), "school1", Role.School, schoolId, [district]);
        var draw = await queries.DrawAsync(caller, windowId);
        var listed = draw.Result.Placements.Select(p => p.PupilId).Concat(draw.Result.WaitingLists.SelectMany(l => l.Value.Select(e => e.PupilId))).ToList();
        Assert.Equal(150, listed.Count);
        var drawNames = await queries.DrawNamesAsync(caller, windowId);
        Assert.All(listed, id => Assert.Equal(names[id], drawNames[id]));

        // Pupils' names are the school's: a bureau reading the draw gets none.
        var bureau = new Caller(Guid.NewGuid(), "bureau", Role.Bureau, Guid.NewGuid(), [district]);
        await Assert.ThrowsAsync<ForbiddenException>(() => queries.DrawNamesAsync(bureau, windowId));
    }
}
