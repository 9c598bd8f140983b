using System.Net;
using System.Net.Http.Json;
using Marketplace.Api.Tests.Infrastructure;

namespace Marketplace.Api.Tests;

/// <summary>
/// Parallel requests that change the same thing without If-Match: the one that commits first wins, every other one
/// answers for the state it then finds (409 with the rule's code) — the store's internal version conflict (412) is only
/// for a client that sent If-Match.
/// </summary>
public sealed class ConcurrentTransitionTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private const int Parallel = 8, Rounds = 3;

    [Fact]
    public async Task ParallelCancelsOfOneBooking_OneSucceeds_TheOthersAre409AlreadyCancelled_Never412()
    {
        var (_, _, sessionId) = await BookingTests.FreshSessionAsync(factory, 40);
        var school = await factory.ClientForAsync("school4");
        for (var round = 0; round < Rounds; round++)
        {
            var id = await BookAsync(school, sessionId, $"parallel-cancel-{round:D2}");
            var answers = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => school.PostJsonAsync($"/api/bookings/{id}/cancel", new { reason = "学校活动调整" })));
            await AssertOneWinnerAsync(answers, "booking-transition", "Cancelled");
        }
    }

    [Fact]
    public async Task ParallelConfirmsAndDeclinesOfOneRequest_OneDecides_TheOthersAre409WithTheDecision_Never412()
    {
        var (provider, _, sessionId) = await BookingTests.FreshSessionAsync(factory, 40);
        var school = await factory.ClientForAsync("school26");
        for (var round = 0; round < Rounds; round++)
        {
            var id = await BookAsync(school, sessionId, $"parallel-decide-{round:D2}");
            var answers = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i => i % 2 == 0
                ? provider.PostJsonAsync($"/api/bookings/{id}/confirm", null)
                : provider.PostJsonAsync($"/api/bookings/{id}/decline", new { reason = "该时段教练外出比赛" })));
            await AssertOneWinnerAsync(answers, "booking-transition", null);
        }
    }

    [Fact]
    public async Task ParallelOfferingTransitionsWithoutIfMatch_OneSucceeds_Never412_WhileAStaleIfMatchStill412s()
    {
        var (provider, offeringId, _) = await BookingTests.FreshSessionAsync(factory, 10);
        for (var round = 0; round < Rounds; round++)
        {
            await AssertOneWinnerAsync(await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => provider.PostJsonAsync($"/api/offerings/{offeringId}/pause", null))),
                "offering-transition", "Paused");
            await AssertOneWinnerAsync(await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => provider.PostJsonAsync($"/api/offerings/{offeringId}/resume", null))),
                "offering-transition", "Published");
        }

        using var stale = new HttpRequestMessage(HttpMethod.Post, $"/api/offerings/{offeringId}/pause") { Content = JsonContent.Create(new { }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await (await provider.SendAsync(stale)).AssertProblemAsync(412);
    }

    [Fact]
    public async Task ParallelProviderDecisions_OneSucceeds_TheOthersAre409WithTheDecision_Never412()
    {
        var bureau = await factory.ClientForAsync("bureau-330102");
        var providerId = await factory.OrganizationOfAsync("provider20");
        await AssertOneWinnerAsync(await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => bureau.PostJsonAsync($"/api/providers/{providerId}/approve", new { note = "材料齐全" }))),
            "provider-transition", "Approved");
        for (var round = 0; round < Rounds; round++)
        {
            await AssertOneWinnerAsync(await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => bureau.PostJsonAsync($"/api/providers/{providerId}/suspend", new { reason = "安全检查" }))),
                "provider-transition", "Suspended");
            await AssertOneWinnerAsync(await Task.WhenAll(Enumerable.Range(0, Parallel).Select(_ => bureau.PostJsonAsync($"/api/providers/{providerId}/approve", new { note = "整改完成" }))),
                "provider-transition", "Approved");
        }
    }

    [Fact]
    public async Task CancellingASession_WhileSchoolsBookIt_NeverAnswers412_AndLeavesNoLiveBooking()
    {
        var schools = await Task.WhenAll(new[] { 1, 2, 3, 4, 13, 14, 16 }.Select(i => factory.ClientForAsync($"school{i}"))); // Beijing primary schools (grade 3)
        for (var round = 0; round < Rounds; round++)
        {
            var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 40);
            var bookings = schools.Select((s, i) => s.SendAsync(BookingTests.Book(sessionId, 2, [3], $"session-race-{round}-{i:D2}")));
            var cancel = provider.PostJsonAsync($"/api/offerings/{offeringId}/sessions/{sessionId}/cancel", new { reason = "场馆检修" });
            var answers = await Task.WhenAll([cancel, .. bookings]);

            Assert.True(answers[0].StatusCode == HttpStatusCode.OK, $"cancelling the session → {(int)answers[0].StatusCode}: {await answers[0].Content.ReadAsStringAsync()}");
            foreach (var booked in answers.Skip(1))
                Assert.True(booked.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"booking → {(int)booked.StatusCode}: {await booked.Content.ReadAsStringAsync()}");
            var live = (await provider.GetJsonAsync($"/api/bookings?offeringId={offeringId}")).AsArray()
                .Where(b => b!["status"]!.GetValue<string>() is "Requested" or "Confirmed").ToList();
            Assert.Empty(live);
            Assert.Equal(0, (await provider.GetJsonAsync($"/api/offerings/{offeringId}/sessions")).AsArray()[0]!["reserved"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task DeletingASession_WhileASchoolBooksIt_IsDeletedOr409_Never412()
    {
        var school = await factory.ClientForAsync("school28");
        for (var round = 0; round < Rounds * 2; round++)
        {
            var (provider, offeringId, sessionId) = await BookingTests.FreshSessionAsync(factory, 40);
            var answers = await Task.WhenAll(
                provider.DeleteAsync($"/api/offerings/{offeringId}/sessions/{sessionId}"),
                school.SendAsync(BookingTests.Book(sessionId, 2, [3], $"delete-race-{round:D2}")));
            Assert.True(answers[0].StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Conflict,
                $"deleting the session → {(int)answers[0].StatusCode}: {await answers[0].Content.ReadAsStringAsync()}");
            Assert.True(answers[0].StatusCode == HttpStatusCode.NoContent ^ answers[1].StatusCode == HttpStatusCode.Created,
                $"either the session is gone or the booking holds it: delete {(int)answers[0].StatusCode}, book {(int)answers[1].StatusCode}");
        }
    }

    [Fact]
    public async Task ParallelSavesOfOneSchoolPlan_AllSucceed_TheLastOneWritten()
    {
        var schoolId = await factory.OrganizationOfAsync("school9");
        var school = await factory.ClientForAsync("school9");
        for (var round = 0; round < Rounds; round++)
        {
            var semester = $"2027-2028-{round % 2 + 1}"; // round 0 and 1 race to create the plan, round 2 to update it
            var answers = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i => school.PutAsJsonAsync($"/api/schools/{schoolId}/plans/{semester}", new
            {
                targetCategories = new[] { "Science" }, windows = new[] { new { dayOfWeek = "Wednesday", start = "15:30", end = "17:00" } },
                budgetFen = 100_000 + i,
            })));
            foreach (var answer in answers)
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            var saved = await school.GetJsonAsync($"/api/schools/{schoolId}/plans/{semester}");
            Assert.InRange(saved["budgetFen"]!.GetValue<long>(), 100_000, 100_000 + Parallel - 1);
        }
    }

    private static async Task<Guid> BookAsync(HttpClient school, Guid sessionId, string key)
    {
        var response = await school.SendAsync(BookingTests.Book(sessionId, 2, [3], key));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync())["id"]!.GetValue<Guid>();
    }

    /// <summary>Exactly one 200; every other answer a 409 with <paramref name="code"/> and the state it found (currentStatus) (<paramref name="state"/> when given).</summary>
    private static async Task<HttpResponseMessage> AssertOneWinnerAsync(HttpResponseMessage[] answers, string code, string? state)
    {
        var described = string.Join(", ", answers.Select(a => (int)a.StatusCode));
        Assert.DoesNotContain(answers, a => a.StatusCode == HttpStatusCode.PreconditionFailed);
        var won = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        var decided = (await won.ReadJsonAsync())["status"]!.GetValue<string>();
        if (state is not null) Assert.Equal(state, decided);
        foreach (var lost in answers.Where(a => a != won))
        {
            var problem = await lost.AssertProblemAsync(409);
            Assert.True(problem["code"]!.GetValue<string>() == code, $"{problem.ToJsonString()} (all: {described})");
            Assert.Equal(decided, problem["currentStatus"]?.GetValue<string>());
            Assert.Contains("当前状态为“", problem["detail"]!.GetValue<string>()); // the state in words: currentStatus holds its name
        }
        return won;
    }
}
