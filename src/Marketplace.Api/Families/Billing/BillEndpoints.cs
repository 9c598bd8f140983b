using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Bookings;
using Marketplace.Api.Hosting;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Families.Billing;

/// <summary>Family bills (家庭账单, issue 18): a guardian reads its child's, the school lists its pupils' and records what families paid.</summary>
public static partial class BillEndpoints
{
    private static readonly QueryParameters SchoolQuery = new(
        QueryParameter.Id("windowId", "只看此选课窗口的账单 / only bills with a line from this selection window."),
        QueryParameter.Text("className", ClassName(), new UserMessage("query.class-name"), "只看此班级 / only this class."),
        QueryParameter.Flag("unpaid", "true：只看仍欠费的账单 / true: only bills with a balance owed."),
        QueryParameter.Text("semester", SemesterPattern(), new UserMessage("validation.semester"), "只看此学期，如 2026-2027-1（默认全部）/ only this semester, e.g. 2026-2027-1 (default: every semester)."),
        QueryParameter.Number("grade", 1, 9, "只看此年级 / only this grade."),
        QueryParameter.Enum<BillState>("state", "Owed 未缴、PaidUp 已缴（余额为 0）、RefundDue 待退费 / Owed, PaidUp (balance 0) or RefundDue."),
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一份账单的 id / next page: the id of the previous page's last bill."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/guardian/children/{pupilId:guid}/bills", ChildBills).WithTags("Families").RequireAuthorization(AuthSetup.GuardianPolicy)
            .WithName("ListChildBills")
            .WithSummary("家长查看孩子的账单：各项目费用、困难减免、缴费、退费与余额 / A guardian's own child's bills: lines per programme, hardship waiver, payments, refunds and balance.");
        app.MapPost("/api/guardian/children/{pupilId:guid}/bills/{billId:guid}/payments", PayOnline).WithTags("Families")
            .RequireAuthorization(AuthSetup.GuardianPolicy).WithName("PayChildBillOnline").ProducesProblem(404).ProducesProblem(409)
            .WithSummary("家长在线缴纳孩子的账单（微信支付二维码，须 Idempotency-Key；金额为当前欠费；以支付平台通知为准入账；仅线下缴费时 409 payment-online-unavailable）/ A guardian pays its own child's bill online (a WeChat Pay QR code; Idempotency-Key required; the amount is what is owed; recorded only when the gateway's webhook says it succeeded; 409 payment-online-unavailable where payments are offline only).");
        var school = app.MapGroup("/api/bills").WithTags("Families").RequireAuthorization(AuthSetup.SchoolPolicy);
        school.MapGet("/", SchoolBills).WithName("ListFamilyBills").WithQuery(SchoolQuery)
            .WithSummary("学校查看本校学生账单（可按选课窗口、班级、欠费筛选）/ The school's family bills, by window, class or unpaid; `limit` per page, the next page in the Link header.");
        school.MapGet("/totals", SchoolTotals).WithName("GetFamilyBillTotals").WithQuery(SchoolQuery)
            .WithSummary("本校账单合计（与列表同样的筛选，全部页）：应缴、减免、已调减、已缴、已退、待缴与待退 / The school's bills summed over every page of the same filter: billed, waived, credited, paid, refunded, outstanding and refund due.");
        school.MapGet("/{billId:guid}", SchoolBill).WithName("GetFamilyBill")
            .WithSummary("一份家庭账单（含退费记录）/ One family bill with its payments and refunds.");
        school.MapPost("/{billId:guid}/payments", RecordPayment).WithName("RecordFamilyPayment").ProducesProblem(409)
            .WithSummary("学校登记家长缴费（统一缴费平台或银行流水号，须 Idempotency-Key；不超过欠费）/ The school records a family's payment with its unified-payment or bank reference (Idempotency-Key required; at most what is owed).");
    }

    private static async Task<Ok<IReadOnlyList<BillDto>>> ChildBills(Guid pupilId, ClaimsPrincipal user, FamilyBillQueries queries, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<BillDto>>([.. (await queries.ChildBillsAsync(user.RequireCaller(), pupilId, ct)).Select(BillDto.From)]);

    private static async Task<Ok<IReadOnlyList<BillDto>>> SchoolBills(HttpContext http, ClaimsPrincipal user, FamilyBillQueries queries, CancellationToken ct)
    {
        var query = SchoolQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        var found = await queries.SchoolBillsAsync(user.RequireCaller(), SchoolBillQueryOf(query) with { Limit = size + 1, After = query.Id("after") }, ct);
        return TypedResults.Ok(Paging.Page(http, found.Take(size).Select(BillDto.From).ToArray(), found.Count > size, "after", b => b.Id));
    }

    private static async Task<Ok<FamilyBillTotal>> SchoolTotals(HttpContext http, ClaimsPrincipal user, FamilyBillQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.SchoolTotalsAsync(user.RequireCaller(), SchoolBillQueryOf(SchoolQuery.Read(http.Request)), ct));

    /// <summary>The list's filter (<c>unpaid=true</c> is the state <c>Owed</c>; a state sent with it wins).</summary>
    private static SchoolBillQuery SchoolBillQueryOf(ParsedQuery query) => new(query.Text("semester"), (int?)query.Number("grade"), query.Text("className"),
        query.Enum<BillState>("state") ?? (query.Flag("unpaid") == true ? BillState.Owed : null), query.Id("windowId"));

    private static async Task<Ok<BillDto>> SchoolBill(Guid billId, ClaimsPrincipal user, FamilyBillQueries queries, CancellationToken ct) =>
        TypedResults.Ok(BillDto.From(await queries.SchoolBillAsync(user.RequireCaller(), billId, ct)));

    private static async Task<IResult> RecordPayment(Guid billId, BillPaymentRequest? request, [FromHeader(Name = BookingEndpoints.IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user, FamilyBillCommands commands, FamilyBillQueries queries, CancellationToken ct)
    {
        new Validator().Require(idempotencyKey is { Length: >= 8 and <= 100 }, BookingEndpoints.IdempotencyKeyHeader, new("booking.idempotency-key", 8, 100))
            .Require(request is not null, "body", new("validation.required")).ThrowIfInvalid();
        var caller = user.RequireCaller();
        var result = await commands.RecordPaymentAsync(caller, billId, idempotencyKey!, request!, ct);
        var bill = BillDto.From(await queries.SchoolBillAsync(caller, billId, ct));
        return result.Replayed ? TypedResults.Ok(bill) : TypedResults.Created($"/api/bills/{billId}", bill);
    }

    private static async Task<IResult> PayOnline(Guid pupilId, Guid billId, [FromHeader(Name = BookingEndpoints.IdempotencyKeyHeader)] string? idempotencyKey,
        ClaimsPrincipal user, GuardianBillPayments payments, CancellationToken ct)
    {
        new Validator().Require(idempotencyKey is { Length: >= 8 and <= 100 }, BookingEndpoints.IdempotencyKeyHeader, new("booking.idempotency-key", 8, 100))
            .ThrowIfInvalid();
        var result = await payments.PayAsync(user.RequireCaller(), pupilId, billId, idempotencyKey!, ct);
        var view = OnlinePaymentDto.From(result.Bill, result.Payment);
        return result.Replayed ? TypedResults.Ok(view) : TypedResults.Created($"/api/guardian/children/{pupilId}/bills", view);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\S.{0,29}\z")]
    private static partial System.Text.RegularExpressions.Regex ClassName();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{4}-[12]\z")]
    internal static partial System.Text.RegularExpressions.Regex SemesterPattern();
}
