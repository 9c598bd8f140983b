using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Core.Families.RollCall;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Marketplace.Api.Families;

/// <summary>The marks a roll call save sets: <c>[{pupilId, present}]</c>; pupils not listed keep their mark.</summary>
public sealed record RollCallRequest(IReadOnlyList<RollMarkInput>? Marks);

public static class RollCallEndpoints
{
    internal static void Map(IEndpointRouteBuilder app)
    {
        var roll = app.MapGroup("/api/bookings/{bookingId:guid}/roll-call").WithTags("Families").RequireAuthorization();
        roll.MapGet("/", Get).WithName("GetRollCall")
            .WithSummary("点名表：预约的学生名单及每人出勤（机构只看到已获同意的学生）/ A booking's roll call: its class list with each pupil's mark (present, absent or not marked), the counts, whether it can still be edited, and its revisions.");
        roll.MapPut("/", Put).WithName("TakeRollCall").ProducesProblem(409)
            .WithSummary("点名（机构的授课教师或学校的巡课教师）：`{marks: [{pupilId, present}]}`，未列出的学生保持原样；场次开始后、结算前可改，据实结算以点名为准 / Take or edit the roll (the provider's teacher or the school's 巡课 teacher): the marks listed are set, the others kept. Allowed once the session started and until the delivery is settled; the delivery's attendance is the roll's present count.");

        app.MapGet("/api/guardian/children/{pupilId:guid}/attendance", Attendance).WithName("GetChildAttendance").WithTags("Families")
            .RequireAuthorization(AuthSetup.GuardianPolicy)
            .WithSummary("我的孩子的出勤记录（最近的场次在前）/ The guardian's own child's attendance by roll call, latest session first.");
    }

    private static async Task<Ok<RollCallView>> Get(Guid bookingId, ClaimsPrincipal user, RollCallQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.GetAsync(user.RequireCaller(), bookingId, ct));

    private static async Task<Ok<RollCallView>> Put(Guid bookingId, RollCallRequest request, ClaimsPrincipal user, RollCallCommands commands,
        RollCallQueries queries, CancellationToken ct)
    {
        var caller = user.RequireCaller();
        await commands.MarkAsync(caller, bookingId, request.Marks, ct);
        return TypedResults.Ok(await queries.GetAsync(caller, bookingId, ct));
    }

    private static async Task<Ok<ChildAttendance>> Attendance(Guid pupilId, ClaimsPrincipal user, RollCallQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.AttendanceAsync(user.RequireCaller(), pupilId, ct));
}
