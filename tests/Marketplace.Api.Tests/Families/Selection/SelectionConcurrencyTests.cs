using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>Issue 18: the first-come rush — 200 guardians at once on 30 seats get exactly 30 places, never more, and the rest wait in submission order.</summary>
public sealed class SelectionConcurrencyTests : IDisposable
{
    private const int Seats = 30;
    private const int Guardians = 200;
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task FirstCome_TwoHundredGuardiansInParallel_OnThirtySeats_PlaceExactlyThirty_AndTheRestWaitInOrder()
    {
        var booking = await ConfirmedBookingAsync(_factory, "school1", pupils: Seats, hoursAhead: 72);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = booking }])))
            .AssertStatusAsync(201)).Id();
        var guardians = new List<TestGuardian>();
        for (var i = 0; i < Guardians; i++) guardians.Add(await GuardianAsync(_factory, "school1", 1000 + i));

        using var start = new SemaphoreSlim(0);
        var requests = guardians.Select(async g =>
        {
            await start.WaitAsync();
            return await g.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(g.PupilId, booking));
        }).ToList();
        start.Release(Guardians);
        var answers = await Task.WhenAll(requests);
        var bodies = new List<System.Text.Json.Nodes.JsonNode>();
        foreach (var answer in answers) bodies.Add(await answer.AssertStatusAsync(201)); // nobody is told to try again

        var placed = bodies.Where(b => b["placements"]!.AsArray().Count == 1).ToList();
        Assert.Equal(Seats, placed.Count);
        var window = await school.GetJsonAsync($"/api/selection-windows/{windowId}");
        Assert.Equal(0, window["programmes"]![0]!["freeSeats"]!.GetValue<int>());
        var store = _factory.Services.GetRequiredService<IMarketplaceStore>();
        Assert.Equal(Seats, (await store.FindAsync<SelectionSeats>(SelectionSeats.IdOf(windowId, booking)))!.Taken);

        // Every place went to one of the first 30 submissions, and the others wait 1 … 170 in submission order.
        var all = (await school.GetJsonAsync($"/api/selection-windows/{windowId}/applications?limit=500")).AsArray().Select(a => a!).ToList();
        Assert.Equal(Guardians, all.Count);
        var bySubmission = all.OrderBy(a => a["submittedAt"]!.GetValue<DateTimeOffset>()).ThenBy(a => a["pupilId"]!.GetValue<Guid>()).ToList();
        Assert.All(bySubmission.Take(Seats), a => Assert.Single(a["placements"]!.AsArray()));
        var waiting = bySubmission.Skip(Seats).ToList();
        for (var i = 0; i < waiting.Count; i++)
        {
            Assert.Empty(waiting[i]["placements"]!.AsArray());
            Assert.Equal(i + 1, waiting[i]["waiting"]!.AsArray().Single()!["position"]!.GetValue<int>());
        }
    }

    /// <summary>
    /// Two first-come windows of the school over sessions at the same hour: each child applied to both at the same instant. Each
    /// submission judges overlaps against the child's placements in the other window, read before its commit; without the placement
    /// guard both commits of a pair land and the child holds two overlapping sessions.
    /// </summary>
    [Fact]
    public async Task FirstCome_OneChildInTwoWindowsAtOnce_NeverHoldsTwoOverlappingSessions()
    {
        const int Children = 40;
        var (first, second) = (await ConfirmedBookingAsync(_factory, "school1", pupils: Children, hoursAhead: 96),
            await ConfirmedBookingAsync(_factory, "school1", pupils: Children, hoursAhead: 96));
        var school = await _factory.ClientForAsync("school1");
        var windowA = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = first }]))).AssertStatusAsync(201)).Id();
        var windowB = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = second }]))).AssertStatusAsync(201)).Id();
        var guardians = new List<TestGuardian>();
        for (var i = 0; i < Children; i++) guardians.Add(await GuardianAsync(_factory, "school1", 1400 + i));

        using var start = new SemaphoreSlim(0);
        var requests = guardians.SelectMany(g => new[] { (windowA, first), (windowB, second) }.Select(async w =>
        {
            await start.WaitAsync();
            return await g.Client.PostJsonAsync($"/api/selection-windows/{w.Item1}/applications", Apply(g.PupilId, w.Item2));
        })).ToList();
        start.Release(requests.Count);
        foreach (var answer in await Task.WhenAll(requests)) await answer.AssertStatusAsync(201);

        var store = _factory.Services.GetRequiredService<IMarketplaceStore>();
        foreach (var g in guardians)
        {
            var applications = await store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(PupilId: g.PupilId));
            Assert.Equal(2, applications.Count);
            Assert.Equal(1, applications.Sum(a => a.Placements.Count)); // one of the two, the other waits
        }
    }
}
