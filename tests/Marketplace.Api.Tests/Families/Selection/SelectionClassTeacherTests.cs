using System.Net.Http.Json;
using Marketplace.Api.Tests.Accounts;
using Marketplace.Api.Tests.Infrastructure;
using static Marketplace.Api.Tests.Families.Selection.SelectionSetup;

namespace Marketplace.Api.Tests.Families.Selection;

/// <summary>Issue 18, 班级审核: a class teacher (a school user the admin gave classes) reviews only its own classes; the coordinator any.</summary>
public sealed class SelectionClassTeacherTests : IDisposable
{
    private readonly FamilyFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task ClassTeacher_ReviewsOnlyItsOwnClasses_TheCoordinatorAny()
    {
        var booking = await ConfirmedBookingAsync(_factory, "school1", pupils: 3, hoursAhead: 72);
        var school = await _factory.ClientForAsync("school1");
        var windowId = (await (await school.PostJsonAsync("/api/selection-windows", Window("FirstCome", [new { bookingId = booking }]))).AssertStatusAsync(201)).Id();
        var (one, two, three) = (await GuardianAsync(_factory, "school1", 41, className: "1班"), await GuardianAsync(_factory, "school1", 42, className: "2班"),
            await GuardianAsync(_factory, "school1", 43, className: "2班"));
        var inClass1 = (await (await one.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(one.PupilId, booking))).AssertStatusAsync(201)).Id();
        var inClass2 = (await (await two.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(two.PupilId, booking))).AssertStatusAsync(201)).Id();
        var alsoClass2 = (await (await three.Client.PostJsonAsync($"/api/selection-windows/{windowId}/applications", Apply(three.PupilId, booking))).AssertStatusAsync(201)).Id();

        // The school's admin gives a staff user class 3-1班 (grade 3, "1班"); bad keys are named field by field.
        var org = await _factory.OrganizationOfAsync("school1");
        var user = await AccountTests.AddUserAsync(school, org, "teacher-3-1");
        await (await school.PutAsJsonAsync($"/api/organisations/{org}/users/{user.Id()}/classes", new { classes = new[] { "1班", "3-1班", "3-1班" } }))
            .AssertProblemAsync(400, "classes[0]");
        var set = await (await school.PutAsJsonAsync($"/api/organisations/{org}/users/{user.Id()}/classes", new { classes = new[] { "3-1班" } })).AssertStatusAsync(200);
        Assert.Equal("3-1班", set["classes"]!.AsArray().Single()!.GetValue<string>());
        var teacher = AccountTests.WithToken(_factory, (await AccountTests.SignInAsync(_factory, "teacher-3-1", "Staff@2026x"))["accessToken"]!.GetValue<string>());
        // Staff set no one's classes.
        await (await teacher.PutAsJsonAsync($"/api/organisations/{org}/users/{user.Id()}/classes", new { classes = new[] { "3-2班" } })).AssertProblemAsync(403);

        var refused = await (await teacher.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{inClass2}/class-review", new { approve = true })).AssertProblemAsync(403);
        Assert.Equal("forbidden.selection-class", refused["code"]!.GetValue<string>());
        var approved = await (await teacher.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{inClass1}/class-review", new { approve = true })).AssertStatusAsync(200);
        Assert.Equal("ClassApproved", approved["status"]!.GetValue<string>());
        // 学校复核 stays the coordinator's; the coordinator reviews any class.
        await (await teacher.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{inClass1}/school-review", new { approve = true })).AssertProblemAsync(403);
        await (await school.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{inClass2}/class-review", new { approve = true })).AssertStatusAsync(200);

        // Given class 3-2班 instead, the same teacher reviews that class and no longer the first.
        await (await school.PutAsJsonAsync($"/api/organisations/{org}/users/{user.Id()}/classes", new { classes = new[] { "3-2班" } })).AssertStatusAsync(200);
        await (await teacher.PostJsonAsync($"/api/selection-windows/{windowId}/applications/{alsoClass2}/class-review", new { approve = false, reason = "未交回执" }))
            .AssertStatusAsync(200);
        Assert.Equal("3-2班", (await school.GetJsonAsync($"/api/organisations/{org}/users/{user.Id()}"))["classes"]!.AsArray().Single()!.GetValue<string>());
    }
}
