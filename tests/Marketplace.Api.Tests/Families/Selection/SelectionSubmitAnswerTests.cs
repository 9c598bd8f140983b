using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>
/// The answer to a submission is built from what the command committed and judged it on (window, pupil, application), not read again:
/// it must be exactly what reading the application gives — placed, waiting, resubmitted after a withdrawal — and the caller's own
/// child is still the only one it may apply for.
/// </summary>
public sealed class SelectionSubmitAnswerTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task SubmitAnswer_IsWhatReadingTheApplicationGives_Placed_Waiting_AndResubmitted()
    {
        var booking = await ConfirmedBookingAsync(_factory, "school1", pupils: 1, hoursAhead: 72);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = booking }])))
            .AssertStatusAsync(201)).Id();
        var (a, b, c) = (await GuardianAsync(_factory, "school1", 51), await GuardianAsync(_factory, "school1", 52), await GuardianAsync(_factory, "school1", 53));

        var placed = await SubmitAndCompareAsync(a, windowId, booking);
        Assert.Single(placed["placements"]!.AsArray());
        Assert.Equal("学生51", placed["pupilName"]!.GetValue<string>());
        var second = await SubmitAndCompareAsync(b, windowId, booking);
        var third = await SubmitAndCompareAsync(c, windowId, booking);
        Assert.Equal(1, second["waiting"]!.AsArray().Single()!["position"]!.GetValue<int>());
        Assert.Equal(2, third["waiting"]!.AsArray().Single()!["position"]!.GetValue<int>());

        // b withdraws and applies again: the stored application is resubmitted (a new version), now behind c.
        await (await b.Client.DeleteAsync($"/api/selection-windows/{windowId}/applications/{second.Id()}")).AssertStatusAsync(200);
        var again = await SubmitAndCompareAsync(b, windowId, booking);
        Assert.Equal(second.Id(), again.Id());
        Assert.True(again["version"]!.GetValue<long>() > second["version"]!.GetValue<long>());
        Assert.Equal(["Submitted", "Withdrawn", "Submitted"], again["steps"]!.AsArray().Select(s => s!["status"]!.GetValue<string>()));
        Assert.Equal(2, again["waiting"]!.AsArray().Single()!["position"]!.GetValue<int>());

        // Someone else's child, or no child at all, is 404 as before; applying twice is 409.
        await (await c.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(a.PupilId, booking))).AssertProblemAsync(404);
        await (await c.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(Guid.NewGuid(), booking))).AssertProblemAsync(404);
        var twice = await (await a.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(a.PupilId, booking))).AssertProblemAsync(409);
        Assert.Equal("selection-already-applied", twice["code"]!.GetValue<string>());
    }

    /// <summary>Applies, then reads the application back as the same guardian: the two bodies are equal field for field.</summary>
    private static async Task<JsonNode> SubmitAndCompareAsync(TestGuardian guardian, Guid windowId, params Guid[] choices)
    {
        var answer = await (await guardian.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(guardian.PupilId, choices)))
            .AssertStatusAsync(201);
        var read = await guardian.Client.GetJsonAsync($"/api/selection-windows/{windowId}/applications/{answer.Id()}");
        Assert.True(JsonNode.DeepEquals(answer, read), $"answer {answer.ToJsonString()}\nread   {read.ToJsonString()}");
        return answer;
    }
}
