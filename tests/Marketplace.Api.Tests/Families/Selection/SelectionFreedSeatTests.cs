using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>
/// Issue 18, first come: a seat given back (withdrawal or rejection) goes in the same commit to the first pupil waiting for it as
/// Full, in waiting order — never to a later submission, never over capacity, even with withdrawals and new submissions at once.
/// </summary>
public sealed class SelectionFreedSeatTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Withdrawal_SkipsAPupilAtTheCap_GivesTheSeatToTheNextWaiting_AndThatGuardianIsTold()
    {
        var first = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 72);
        var second = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 96);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = first }, new { bookingId = second }]))).AssertStatusAsync(201)).Id();
        var (a, b, c) = (await GuardianAsync(_factory, "school1", 31), await GuardianAsync(_factory, "school1", 32), await GuardianAsync(_factory, "school1", 33));
        var placed = await ApplyAsync(a, windowId, first);
        var atCap = await ApplyAsync(b, windowId, first, second); // gets its alternate; waits for the first as CapReached (cap 1)
        var full = await ApplyAsync(c, windowId, first);
        Assert.Equal(second, atCap["placements"]!.AsArray().Single()!["programmeId"]!.GetValue<Guid>());
        Assert.Equal("Full", full["waiting"]!.AsArray().Single()!["reason"]!.GetValue<string>());
        Assert.Equal(2, full["waiting"]!.AsArray().Single()!["position"]!.GetValue<int>());

        await (await a.Client.DeleteAsync($"/api/selection-windows/{windowId}/applications/{placed.Id()}")).AssertStatusAsync(200);

        var promoted = await c.Client.GetJsonAsync($"/api/selection-windows/{windowId}/applications/{full.Id()}");
        var placement = promoted["placements"]!.AsArray().Single()!;
        Assert.Equal(first, placement["programmeId"]!.GetValue<Guid>());
        Assert.Equal(1, placement["choiceRank"]!.GetValue<int>());
        Assert.Equal(second, (await b.Client.GetJsonAsync($"/api/selection-windows/{windowId}/applications/{atCap.Id()}"))["placements"]!.AsArray().Single()!["programmeId"]!.GetValue<Guid>());
        Assert.All((await school.GetJsonAsync($"/api/selection-windows/{windowId}"))["programmes"]!.AsArray(), p => Assert.Equal(0, p!["freeSeats"]!.GetValue<int>()));

        // The promoted guardian's own change feed (the live push's guarantee) has the step with its placement.
        var feed = (await c.Client.GetJsonAsync("/api/events?after=0"))["items"]!.AsArray();
        Assert.Contains(feed, e => e!["type"]!.GetValue<string>() == "selectionChanged" && e["data"]!["applicationId"]!.GetValue<Guid>() == full.Id()
            && e["data"]!["placed"]!.AsArray().Any(p => p!.GetValue<Guid>() == first));
    }

    [Fact]
    public async Task WithdrawalsInParallelWithNewSubmissions_NeverOversell_AndTheFreedSeatsGoToTheFirstWaitingInOrder()
    {
        const int seats = 5, waitingCount = 10, newcomers = 20;
        var booking = await ConfirmedBookingAsync(_factory, "school1", pupils: seats, hoursAhead: 72);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = booking }]))).AssertStatusAsync(201)).Id();
        var queue = new List<(TestGuardian Guardian, Guid ApplicationId)>();
        for (var i = 0; i < seats + waitingCount; i++)
        {
            var g = await GuardianAsync(_factory, "school1", 400 + i);
            queue.Add((g, (await ApplyAsync(g, windowId, booking)).Id()));
        }
        var late = new List<TestGuardian>();
        for (var i = 0; i < newcomers; i++) late.Add(await GuardianAsync(_factory, "school1", 500 + i));

        using var start = new SemaphoreSlim(0);
        var withdrawals = queue.Take(seats).Select(async q =>
        {
            await start.WaitAsync();
            return await q.Guardian.Client.DeleteAsync($"/api/selection-windows/{windowId}/applications/{q.ApplicationId}");
        });
        var submissions = late.Select(async g =>
        {
            await start.WaitAsync();
            return await g.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(g.PupilId, booking));
        });
        var all = withdrawals.Concat(submissions).ToList();
        start.Release(all.Count);
        var answers = await Task.WhenAll(all);
        foreach (var answer in answers.Take(seats)) await answer.AssertStatusAsync(200);
        foreach (var answer in answers.Skip(seats)) Assert.Empty((await answer.AssertStatusAsync(201))["placements"]!.AsArray());

        // The counter and a recount of the stored applications agree: exactly the seats, held by the first five who waited.
        var store = _factory.Services.GetRequiredService<IMarketplaceStore>();
        Assert.Equal(seats, (await store.FindAsync<SelectionSeats>(SelectionSeats.IdOf(windowId, booking)))!.Taken);
        var stored = await store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: windowId, Limit: 500));
        var holders = stored.Where(a => a.Placements.Count > 0).Select(a => a.Id).Order().ToList();
        Assert.Equal(queue.Skip(seats).Take(seats).Select(q => q.ApplicationId).Order().ToList(), holders);

        // The rest still wait 1 … n: the five left of the first queue ahead of every newcomer.
        var list = (await school.GetJsonAsync($"/api/selection-windows/{windowId}/applications?limit=500")).AsArray().Select(a => a!)
            .Where(a => a["waiting"]!.AsArray().Count == 1).OrderBy(a => a["waiting"]![0]!["position"]!.GetValue<int>()).ToList();
        Assert.Equal(Enumerable.Range(1, waitingCount - seats + newcomers), list.Select(a => a["waiting"]![0]!["position"]!.GetValue<int>()));
        Assert.Equal(queue.Skip(2 * seats).Select(q => q.ApplicationId), list.Take(waitingCount - seats).Select(a => a.Id()));
    }

    private static async Task<JsonNode> ApplyAsync(TestGuardian g, Guid windowId, params Guid[] choices) =>
        await (await g.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(g.PupilId, choices))).AssertStatusAsync(201);
}
