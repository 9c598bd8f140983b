using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>
/// Issue 18, selection window end to end: the school opens a lottery over two booked programmes (one seat each), three guardians
/// apply, the class and the school review, the school closes and draws with the seed committed at opening; placements reach the
/// providers' class lists (consented pupils only, never a phone), the rest wait in draw order, and anyone who may see the window
/// re-runs the audit.
/// </summary>
public sealed class SelectionFlowTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Lottery_OpenApplyReviewDraw_PlacesPupilsOnClassLists_AndWaitingListsFollowTheDraw()
    {
        var bookingA = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 72);
        var bookingB = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 120);
        var school = await _factory.ClientForAsync("school1");
        var opened = await (await school.PostJsonAsync("/api/selection-windows",
            Window("Lottery", [new { bookingId = bookingA }, new { bookingId = bookingB }], cap: 1, priority: ["hardship"]))).AssertStatusAsync(201);
        var windowId = opened.Id();
        var commitment = opened["seedCommitment"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{64}$", commitment);
        Assert.Null(opened["seed"]);
        Assert.Equal("Open", opened["phase"]!.GetValue<string>());

        var first = await GuardianAsync(_factory, "school1", 1, consented: true);
        var second = await GuardianAsync(_factory, "school1", 2, consented: false);
        var hardship = await GuardianAsync(_factory, "school1", 3, consented: true, hardship: true);
        var applications = new List<Guid>();
        foreach (var g in new[] { first, second, hardship })
        {
            var seen = await g.Client.GetJsonAsync("/api/selection-windows");
            Assert.Contains(seen.AsArray(), w => w!.Id() == windowId);
            var applied = await (await g.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(g.PupilId, bookingA, bookingB)))
                .AssertStatusAsync(201);
            Assert.Equal("Submitted", applied["status"]!.GetValue<string>());
            Assert.Empty(applied["placements"]!.AsArray()); // a lottery gives nothing before the draw
            applications.Add(applied.Id());
        }
        // The same child again: one application per child and window.
        var again = await (await first.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(first.PupilId, bookingB))).AssertProblemAsync(409);
        Assert.Equal("selection-already-applied", again["code"]!.GetValue<string>());

        // 学校复核 before 班级审核 is refused; then class, then school.
        var early = await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{applications[0]}/school-review", new { approve = true }))
            .AssertProblemAsync(409);
        Assert.Equal("selection-review-transition", early["code"]!.GetValue<string>());
        var byClass = (await school.GetJsonAsync($"/api/selection-windows/{windowId}/applications?grade=3&className=1班")).AsArray();
        Assert.Equal(3, byClass.Count);
        foreach (var id in applications)
        {
            await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{id}/class-review", new { approve = true })).AssertStatusAsync(200);
            var reviewed = await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{id}/school-review", new { approve = true }))
                .AssertStatusAsync(200);
            Assert.Equal(["Submitted", "ClassApproved", "SchoolApproved"], reviewed["steps"]!.AsArray().Select(s => s!["status"]!.GetValue<string>()));
        }

        var notClosed = await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/draw", null)).AssertProblemAsync(409);
        Assert.Equal("selection-window-not-closed", notClosed["code"]!.GetValue<string>());
        await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/close", null)).AssertStatusAsync(200);
        var late = await (await first.Client.DeleteAsync($"/api/selection-windows/{windowId}/applications/{applications[0]}")).AssertProblemAsync(409);
        Assert.Equal("selection-window-not-open", late["code"]!.GetValue<string>());

        var draw = await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/draw", null)).AssertStatusAsync(200);
        Assert.True(draw["check"]!["matches"]!.GetValue<bool>());
        Assert.True(draw["seedMatchesCommitment"]!.GetValue<bool>());
        Assert.Equal(commitment, draw["seedCommitment"]!.GetValue<string>());
        var order = draw["result"]!["audit"]!["draw"]!.AsArray().Select(d => d!["pupilId"]!.GetValue<Guid>()).ToList();
        Assert.Equal(hardship.PupilId, order[0]); // 家庭经济困难 first: the school's priority flag
        var (winnerB, loser) = (order[1], order[2]);

        // The hardship pupil has A (its first choice), the next drawn B, the last nothing.
        var mine = (await hardship.Client.GetJsonAsync($"/api/selection-windows/{windowId}/applications/mine")).AsArray().Single()!;
        Assert.Equal(bookingA, mine["placements"]!.AsArray().Single()!["programmeId"]!.GetValue<Guid>());
        var loserGuardian = loser == first.PupilId ? first : second;
        var lost = (await loserGuardian.Client.GetJsonAsync($"/api/selection-windows/{windowId}/applications/mine")).AsArray().Single()!;
        Assert.Empty(lost["placements"]!.AsArray());
        var waitingA = lost["waiting"]!.AsArray().Single(w => w!["programmeId"]!.GetValue<Guid>() == bookingA)!;
        Assert.Equal(2, waitingA["position"]!.GetValue<int>()); // behind the pupil drawn before it (who waits there as CapReached)
        Assert.Equal("Full", waitingA["reason"]!.GetValue<string>());
        // On B the hardship pupil (who ranked it second and holds its cap) is listed first.
        Assert.Equal(2, lost["waiting"]!.AsArray().Single(w => w!["programmeId"]!.GetValue<Guid>() == bookingB)!["position"]!.GetValue<int>());

        // The providers' class lists: consented pupils by name, grade and class; never a phone; the unconsented one only counted.
        var provider = await _factory.ClientForAsync("provider1");
        var listA = await provider.GetJsonAsync($"/api/bookings/{bookingA}/pupils");
        Assert.Equal(hardship.PupilId, listA["pupils"]!.AsArray().Single()!["pupilId"]!.GetValue<Guid>());
        Assert.DoesNotContain("137", listA.ToJsonString(), StringComparison.Ordinal);
        var listB = await provider.GetJsonAsync($"/api/bookings/{bookingB}/pupils");
        Assert.Equal(winnerB == first.PupilId ? 1 : 0, listB["pupils"]!.AsArray().Count);
        Assert.Equal(winnerB == first.PupilId ? 0 : 1, listB["withoutConsent"]!.GetValue<int>());

        // Everyone who may see the window re-runs the audit; another school's guardian may not.
        var audit = await first.Client.GetJsonAsync($"/api/selection-windows/{windowId}/audit");
        Assert.True(audit["check"]!["matches"]!.GetValue<bool>());
        Assert.Equal(draw["seed"]!.GetValue<string>(), audit["seed"]!.GetValue<string>());
        // A guardian's audit holds its own child's lines only (no other pupil's weight or flag); the weights are published as classes.
        Assert.True(audit["redacted"]!.GetValue<bool>());
        Assert.Equal(3, audit["applicants"]!.GetValue<int>());
        Assert.Equal(first.PupilId, audit["result"]!["audit"]!["draw"]!.AsArray().Single()!["pupilId"]!.GetValue<Guid>());
        Assert.Equal(first.PupilId, audit["request"]!["applicants"]!.AsArray().Single()!["pupilId"]!.GetValue<Guid>());
        Assert.DoesNotContain(hardship.PupilId.ToString(), audit.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal([(0, 3, 1), (1, 1, 2)], audit["weightClasses"]!.AsArray()
            .Select(c => (c!["tier"]!.GetValue<int>(), c["weight"]!.GetValue<int>(), c["pupils"]!.GetValue<int>())));
        var full = await school.GetJsonAsync($"/api/selection-windows/{windowId}/audit");
        Assert.False(full["redacted"]!.GetValue<bool>());
        Assert.Equal(3, full["result"]!["audit"]!["draw"]!.AsArray().Count);
        Assert.Equal(3, full["request"]!["applicants"]!.AsArray().Count);
        var outsider = await GuardianAsync(_factory, "school2", 4);
        await (await outsider.Client.GetAsync($"/api/selection-windows/{windowId}/audit")).AssertProblemAsync(404);
        var twice = await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/draw", null)).AssertProblemAsync(409);
        Assert.Equal("selection-already-drawn", twice["code"]!.GetValue<string>());

        // Each step reached the guardian's and the provider's change feeds.
        var feed = (await first.Client.GetJsonAsync("/api/events?after=0"))["items"]!.AsArray();
        Assert.Contains(feed, e => e!["type"]!.GetValue<string>() == "selectionChanged" && e["data"]!["newStatus"]!.GetValue<string>() == "SchoolApproved");
        var providerFeed = (await provider.GetJsonAsync("/api/events?after=0"))["items"]!.AsArray();
        Assert.Contains(providerFeed, e => e!["type"]!.GetValue<string>() == "classListChanged");
    }

    [Fact]
    public async Task FirstCome_RejectionWithReason_GivesTheSeatToTheFirstWaiting_AndApprovalPutsThePupilOnTheClassList()
    {
        var booking = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 72);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = booking }])))
            .AssertStatusAsync(201)).Id();
        var a = await GuardianAsync(_factory, "school1", 11);
        var b = await GuardianAsync(_factory, "school1", 12);
        var placed = await (await a.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(a.PupilId, booking))).AssertStatusAsync(201);
        Assert.Equal(booking, placed["placements"]!.AsArray().Single()!["programmeId"]!.GetValue<Guid>());
        var waiting = await (await b.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(b.PupilId, booking))).AssertStatusAsync(201);
        Assert.Empty(waiting["placements"]!.AsArray());
        Assert.Equal(1, waiting["waiting"]!.AsArray().Single()!["position"]!.GetValue<int>());
        Assert.Equal(0, (await school.GetJsonAsync($"/api/selection-windows/{windowId}"))["programmes"]![0]!["freeSeats"]!.GetValue<int>());

        await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{placed.Id()}/class-review", new { approve = false }))
            .AssertProblemAsync(400, "reason");
        var rejected = await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{placed.Id()}/class-review",
            new { approve = false, reason = "该生已报名校队训练" })).AssertStatusAsync(200);
        Assert.Equal("Rejected", rejected["status"]!.GetValue<string>());
        Assert.Equal("该生已报名校队训练", rejected["steps"]!.AsArray().Last()!["reason"]!.GetValue<string>());
        // The freed seat goes to b, first waiting as Full, in the same commit: it is never free for a later submission.
        Assert.Equal(0, (await school.GetJsonAsync($"/api/selection-windows/{windowId}"))["programmes"]![0]!["freeSeats"]!.GetValue<int>());
        var promoted = await b.Client.GetJsonAsync($"/api/selection-windows/{windowId}/applications/{waiting.Id()}");
        Assert.Equal(booking, promoted["placements"]!.AsArray().Single()!["programmeId"]!.GetValue<Guid>());
        Assert.Empty(promoted["waiting"]!.AsArray());
        var c = await GuardianAsync(_factory, "school1", 13);
        var late = await (await c.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(c.PupilId, booking))).AssertStatusAsync(201);
        Assert.Empty(late["placements"]!.AsArray());

        // The school's approval puts b on the provider's class list.
        await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{waiting.Id()}/class-review", new { approve = true })).AssertStatusAsync(200);
        var provider = await _factory.ClientForAsync("provider1");
        Assert.Empty((await provider.GetJsonAsync($"/api/bookings/{booking}/pupils"))["pupils"]!.AsArray()); // not before 学校复核
        await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{waiting.Id()}/school-review", new { approve = true })).AssertStatusAsync(200);
        Assert.Equal(b.PupilId, (await provider.GetJsonAsync($"/api/bookings/{booking}/pupils"))["pupils"]!.AsArray().Single()!["pupilId"]!.GetValue<Guid>());

        // Withdrawing after the school's approval takes b off the list; the seat goes to c (not yet reviewed: not on the list).
        await (await b.Client.DeleteAsync($"/api/selection-windows/{windowId}/applications/{waiting.Id()}")).AssertStatusAsync(200);
        Assert.Empty((await provider.GetJsonAsync($"/api/bookings/{booking}/pupils"))["pupils"]!.AsArray());
        Assert.Equal(0, (await school.GetJsonAsync($"/api/selection-windows/{windowId}"))["programmes"]![0]!["freeSeats"]!.GetValue<int>());
        Assert.Single((await c.Client.GetJsonAsync($"/api/selection-windows/{windowId}/applications/{late.Id()}"))["placements"]!.AsArray());
    }

    [Fact]
    public async Task FirstCome_NeverPlacesAPupilInTwoOverlappingSessions()
    {
        // Two programmes at the same time, cap 2: the first choice is taken, the clashing alternate is not.
        var early = await ConfirmedBookingAsync(_factory, "school1", pupils: 5, hoursAhead: 72);
        var clash = await ConfirmedBookingAsync(_factory, "school1", pupils: 5, hoursAhead: 72);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows",
            Window("FirstCome", [new { bookingId = early }, new { bookingId = clash }], cap: 2))).AssertStatusAsync(201)).Id();
        var g = await GuardianAsync(_factory, "school1", 21);
        var applied = await (await g.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(g.PupilId, early, clash))).AssertStatusAsync(201);
        Assert.Equal(early, applied["placements"]!.AsArray().Single()!["programmeId"]!.GetValue<Guid>());

        // Another window of the school over the same clashing time sees the pupil's placement in the first one.
        var other = await ConfirmedBookingAsync(_factory, "school1", pupils: 5, hoursAhead: 72);
        var second = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = other }]))).AssertStatusAsync(201)).Id();
        var none = await (await g.Client.PostJsonAsync($"/api/selection-windows/{second}/applications", Apply(g.PupilId, other))).AssertStatusAsync(201);
        Assert.Empty(none["placements"]!.AsArray());
    }
}
