using System.Security.Claims;
using Marketplace.Api.Auth;
using Marketplace.Api.Bookings;
using Marketplace.Api.Hosting;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Settlement;

public sealed record DeliveryConfirmRequest(int? AbsentHardship);

public sealed record DeliveryDisputeRequest(string? Reason, int? ClaimedAttended);

public sealed record DeliveryResolveRequest(int? Attended, int? AbsentHardship, string? Note);

public sealed record PaymentAccountRequest(string? Account);

/// <summary>A payment as the API answers it; <see cref="ClientSecret"/> only in the answer that started a Stripe payment.</summary>
public sealed record PaymentView(
    Guid Id, Guid SchoolId, Guid ProviderId, string DistrictCode, long AmountFen, string? Month, string Method, string? Reference, PaymentState State,
    string? FailureCode, DateTimeOffset CreatedAt, DateTimeOffset? SettledAt, string? ClientSecret = null)
{
    public static PaymentView From(Payment p, string? secret = null) =>
        new(p.Id, p.SchoolId, p.ProviderId, p.DistrictCode, p.AmountFen, p.Month, p.Gateway, p.GatewayReference, p.State, p.FailureCode, p.CreatedAt, p.SettledAt, secret);
}

public static class SettlementEndpoints
{
    private static readonly System.Text.RegularExpressions.Regex MonthPattern = new(@"^\d{4}-(0[1-9]|1[0-2])$");
    private static readonly System.Text.RegularExpressions.Regex SemesterPattern = new(@"^\d{4}-\d{4}-[12]$");
    private static readonly System.Text.RegularExpressions.Regex FormatPattern = new("^(json|csv|xlsx)$");

    private static readonly QueryParameters PolicyQuery = new(
        QueryParameter.Text("semester", SemesterPattern, new("validation.semester"), "学期，如 2026-2027-1（默认本学期）/ the semester, e.g. 2026-2027-1 (default: the current one)."));

    private static readonly QueryParameters StatementQuery = new(
        QueryParameter.Text("month", MonthPattern, new("validation.month"), "月份 yyyy-MM（北京时间）/ the month, yyyy-MM (Beijing)."),
        QueryParameter.DistrictCode("district", "教育局：某一区县（默认全部辖区）/ a bureau: one district (default: all it oversees)."),
        QueryParameter.Text("format", FormatPattern, new("validation.format"), "json（默认）、csv 或 xlsx / json (default), csv or xlsx."));

    private static readonly QueryParameters LedgerQuery = new(
        QueryParameter.DistrictCode("district", "教育局：某一区县 / a bureau: one district."),
        QueryParameter.Text("month", MonthPattern, new("validation.month"), "只看此月 / only this month (yyyy-MM)."),
        Paging.Limit,
        QueryParameter.Id("after", "下一页：上一页最后一笔的 id / next page: the id of the previous page's last transaction."));

    private static readonly QueryParameters ReconciliationQuery = new(
        QueryParameter.Text("month", MonthPattern, new("validation.month"), "月份 yyyy-MM / the month."),
        QueryParameter.DistrictCode("district", "某一区县（默认全部辖区）/ one district (default: all it oversees)."));

    internal static void Map(IEndpointRouteBuilder app)
    {
        var policies = app.MapGroup("/api/districts/{code}/funding-policy").WithTags("Settlement").RequireAuthorization();
        policies.MapPut("/", PutPolicy).WithName("PutFundingPolicy").RequireAuthorization(AuthSetup.BureauPolicy)
            .WithSummary("设定本区县某学期的经费政策（新增一个版本）/ Set the district's funding policy for a semester (adds a revision; only the district's bureau).")
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        policies.MapGet("/", GetPolicy).WithName("GetFundingPolicy").WithQuery(PolicyQuery)
            .WithSummary("区县某学期的经费政策；无政策时 inForce 为空 / A district's policy for a semester; none: inForce null and no revisions (there is no national default).");

        var bookings = app.MapGroup("/api/bookings").WithTags("Settlement").RequireAuthorization();
        bookings.MapPost("/quote", Quote).WithName("QuoteBooking").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("报价试算（不预约）/ Dry run: the quote a booking would carry now (subsidy, family fees, waived, 代收费); nothing is booked.")
            .ProducesValidationProblem().ProducesProblem(409);
        app.MapPost("/api/booking-series/quote", QuoteSeries).WithName("QuoteBookingSeries").WithTags("Settlement").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("整学期预约报价试算（不预约）：各场次报价与学期合计，按月或按学期的补贴与上限跨场次计算 / Dry run of a term booking: each session's quote and the term's sum (monthly or semester allowances and caps run across the sessions); nothing is booked.")
            .ProducesValidationProblem().ProducesProblem(409);
        bookings.MapPost("/{id:guid}/delivery/confirm", ConfirmDelivery).WithName("ConfirmDelivery").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("学校确认实到人数，据实结算 / The school confirms the recorded delivery; it is settled (the provider is owed attended × price).");
        bookings.MapPost("/{id:guid}/delivery/dispute", DisputeDelivery).WithName("DisputeDelivery").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("学校在期限内提出异议 / The school disputes the recorded delivery within the policy's days; the bureau decides.");
        bookings.MapPost("/{id:guid}/delivery/resolve", ResolveDelivery).WithName("ResolveDelivery").RequireAuthorization(AuthSetup.BureauPolicy)
            .WithSummary("教育局裁定异议 / The district's bureau decides a disputed delivery (attendance), which settles it.");
        bookings.MapPost("/{id:guid}/payments", PayBooking).WithName("PayBooking").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("支付某一已结算预约的应付款（须 Idempotency-Key）/ Pay what a settled booking earned its provider (Idempotency-Key required).")
            .Produces<PaymentView>(201).ProducesValidationProblem().ProducesProblem(409);

        var money = app.MapGroup("/api").WithTags("Settlement").RequireAuthorization();
        money.MapPost("/payments", Pay).WithName("CreatePayment").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("学校向机构付款（线下转账记录或 Stripe，须 Idempotency-Key）/ A school pays a provider: an offline payment recorded with its reference, or Stripe (Idempotency-Key required). At most what settled deliveries earned, less payments made or pending.")
            .Produces<PaymentView>(201).ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        money.MapGet("/payments", ListPayments).WithName("ListPayments")
            .WithSummary("付款记录（学校、机构、教育局各见其范围）/ Payments: a school its own, a provider its own, a bureau its districts'.");
        money.MapPost("/receipts", Receipt).WithName("RecordReceipt").RequireAuthorization(AuthSetup.SchoolPolicy)
            .WithSummary("学校记录收款（家长缴费或财政补贴到账，须 Idempotency-Key）/ The school records money received: families' fees or the bureau's subsidy (Idempotency-Key required).")
            .ProducesValidationProblem();
        money.MapGet("/ledger", Ledger).WithName("ListLedger").WithQuery(LedgerQuery)
            .WithSummary("账本（复式记账，分）：学校、机构各见其本身，教育局见其辖区 / The double-entry ledger (fen), in posting order: a school its own, a provider its own, a bureau its districts'.");
        money.MapGet("/statements", Statement).WithName("GetStatement").WithQuery(StatementQuery)
            .WithSummary("月度对账单（JSON、CSV 或 XLSX）/ The monthly statement of the caller (school, provider) or of the bureau's districts, as JSON, CSV or XLSX.");
        money.MapGet("/reconciliation", Reconcile).WithName("Reconcile").WithQuery(ReconciliationQuery).RequireAuthorization(AuthSetup.OversightPolicy)
            .WithSummary("对账：账本付款与支付渠道逐笔核对，列出所有不符 / Reconciliation: the ledger's payments matched to the gateways', every mismatch listed.");
        money.MapPut("/providers/me/payment-account", PaymentAccount).WithName("SetPaymentAccount").RequireAuthorization(AuthSetup.ProviderPolicy)
            .WithSummary("机构设定收款账户（Stripe Connect acct_…；空为仅线下）/ The provider's payout account (Stripe Connect acct_…; empty: offline only).");

        app.MapPost("/api/webhooks/stripe", StripeWebhook).WithName("StripeWebhook").WithTags("Settlement").AllowAnonymous()
            .WithSummary("Stripe 回调（校验 Stripe-Signature）/ Stripe's webhook: the Stripe-Signature is verified (300 s tolerance), each event processed once.")
            .ProducesValidationProblem().ProducesProblem(404);
    }

    private static async Task<Ok<FundingPolicyView>> PutPolicy(string code, FundingPolicyInput input, ClaimsPrincipal user, FundingPolicyCommands commands, CancellationToken ct) =>
        TypedResults.Ok(await commands.PutAsync(user.RequireCaller(), code, input, ct));

    private static async Task<Ok<FundingPolicyView>> GetPolicy(string code, HttpRequest request, ClaimsPrincipal user, FundingPolicyCommands commands, TimeProvider clock, CancellationToken ct)
    {
        var query = PolicyQuery.Read(request);
        var semester = query.Text("semester") ?? Core.Schools.Semester.Of(clock.GetUtcNow()).Name;
        return TypedResults.Ok(await commands.GetAsync(user.RequireCaller(), code, semester, ct) ?? new FundingPolicyView(code, semester, null, [], 0));
    }

    private static async Task<Ok<Quote>> Quote(CreateBookingRequest request, ClaimsPrincipal user, BookingCommands commands, CancellationToken ct) =>
        TypedResults.Ok(await commands.QuoteAsync(user.RequireCaller(), request, ct));

    private static async Task<Ok<SeriesQuote>> QuoteSeries(CreateSeriesRequest request, ClaimsPrincipal user, BookingSeriesCommands commands, CancellationToken ct) =>
        TypedResults.Ok(await commands.QuoteAsync(user.RequireCaller(), request, ct));

    private static async Task<Ok<BookingView>> ConfirmDelivery(Guid id, DeliveryConfirmRequest? body, ClaimsPrincipal user, DeliveryCommands commands, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await commands.ConfirmAsync(user.RequireCaller(), id, body?.AbsentHardship, ct), ct));

    private static async Task<Ok<BookingView>> DisputeDelivery(Guid id, DeliveryDisputeRequest? body, ClaimsPrincipal user, DeliveryCommands commands, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await commands.DisputeAsync(user.RequireCaller(), id, body?.Reason, body?.ClaimedAttended, ct), ct));

    private static async Task<Ok<BookingView>> ResolveDelivery(Guid id, DeliveryResolveRequest? body, ClaimsPrincipal user, DeliveryCommands commands, BookingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ViewAsync(await commands.ResolveAsync(user.RequireCaller(), id, body?.Attended, body?.AbsentHardship, body?.Note, ct), ct));

    private static async Task<IResult> Pay(
        PaymentRequest request, [FromHeader(Name = BookingEndpoints.IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user, PaymentCommands commands, CancellationToken ct)
    {
        RequireKey(idempotencyKey);
        var result = await commands.PayAsync(user.RequireCaller(), idempotencyKey!, request, ct);
        return Created(result);
    }

    private static async Task<IResult> PayBooking(
        Guid id, PaymentRequest? request, [FromHeader(Name = BookingEndpoints.IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user,
        BookingQueries bookings, PaymentCommands commands, CancellationToken ct)
    {
        RequireKey(idempotencyKey);
        var caller = user.RequireCaller();
        var booking = await bookings.GetAsync(caller, id, ct);
        if (booking.Delivery is not { IsSettled: true } delivery) throw new DomainRuleException("payment-booking-not-settled");
        var amount = delivery.Attended * booking.Quote.UnitPriceFen;
        var result = await commands.PayAsync(caller, "booking:" + idempotencyKey,
            new PaymentRequest(booking.ProviderId, amount, request?.Method ?? OfflinePaymentGateway.GatewayName, request?.Reference, request?.Month), ct);
        return Created(result);
    }

    private static async Task<Ok<IReadOnlyList<PaymentView>>> ListPayments(ClaimsPrincipal user, StatementQueries queries, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<PaymentView>>([.. (await queries.ListPaymentsAsync(user.RequireCaller(), ct)).Select(p => PaymentView.From(p))]);

    private static async Task<Created<LedgerTransaction>> Receipt(
        ReceiptRequest request, [FromHeader(Name = BookingEndpoints.IdempotencyKeyHeader)] string? idempotencyKey, ClaimsPrincipal user, PaymentCommands commands, CancellationToken ct)
    {
        RequireKey(idempotencyKey);
        var tx = await commands.RecordReceiptAsync(user.RequireCaller(), idempotencyKey!, request, ct);
        return TypedResults.Created($"/api/ledger/{tx.Id}", tx);
    }

    private static async Task<Ok<IReadOnlyList<LedgerTransaction>>> Ledger(HttpContext http, ClaimsPrincipal user, StatementQueries queries, CancellationToken ct)
    {
        var query = LedgerQuery.Read(http.Request);
        var size = Paging.SizeOf(query);
        (DateTimeOffset From, DateTimeOffset Before)? month = query.Text("month") is { } m && StatementQueries.TryParseMonth(m, out var range) ? range : null;
        var found = await queries.ListAsync(user.RequireCaller(), query.DistrictCode("district"), month?.From, month?.Before, size + 1, query.Id("after"), ct);
        return TypedResults.Ok(Paging.Page(http, found.Take(size).ToList(), found.Count > size, "after", t => t.Id));
    }

    private static async Task<IResult> Statement(HttpContext http, ClaimsPrincipal user, StatementQueries queries, StatementExport export, CancellationToken ct)
    {
        var query = StatementQuery.Read(http.Request);
        new Validator().Require(query.Text("month") is not null, "month", new("validation.required")).ThrowIfInvalid();
        var statement = await queries.GetAsync(user.RequireCaller(), query.Text("month"), query.DistrictCode("district"), ct);
        return query.Text("format") switch
        {
            "csv" => TypedResults.File(await export.CsvAsync(statement, ct), "text/csv; charset=utf-8", $"statement-{statement.Month}.csv"),
            "xlsx" => TypedResults.File(await export.XlsxAsync(statement, ct), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"statement-{statement.Month}.xlsx"),
            _ => TypedResults.Ok(statement),
        };
    }

    private static async Task<Ok<ReconciliationReport>> Reconcile(HttpRequest request, ClaimsPrincipal user, Reconciliation reconciliation, CancellationToken ct)
    {
        var query = ReconciliationQuery.Read(request);
        new Validator().Require(query.Text("month") is not null, "month", new("validation.required")).ThrowIfInvalid();
        return TypedResults.Ok(await reconciliation.RunAsync(user.RequireCaller(), query.Text("month"), query.DistrictCode("district"), ct));
    }

    private static async Task<NoContent> PaymentAccount(PaymentAccountRequest request, ClaimsPrincipal user, PaymentAccounts accounts, CancellationToken ct)
    {
        await accounts.SetAsync(user.RequireCaller(), request.Account, ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> StripeWebhook(HttpRequest request, IEnumerable<IPaymentWebhook> readers, PaymentCommands commands,
        Core.Families.Billing.FamilyBilling familyBills, CancellationToken ct)
    {
        var reader = readers.FirstOrDefault() ?? throw new NotFoundException("payment-gateway", "stripe"); // Stripe is not configured here
        using var body = new StreamReader(request.Body);
        var text = await body.ReadToEndAsync(ct);
        GatewayEvent e;
        try
        {
            e = reader.Read(text, request.Headers["Stripe-Signature"].FirstOrDefault());
        }
        catch (WebhookRejectedException rejected)
        {
            // Stripe shows this answer in its dashboard: the reason, in English (the caller is a machine).
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Stripe-Signature"] = [rejected.Reason] });
        }
        // A family's online payment or a refund of a family bill settles on the bill (state-based: a redelivery changes nothing);
        // the event id is then remembered like every other.
        var billChanged = await familyBills.GatewayEventAsync(e, ct);
        var processed = await commands.ApplyGatewayEventAsync(e, ct) || billChanged;
        return TypedResults.Ok(new { received = true, processed });
    }

    private static void RequireKey(string? key) =>
        new Validator().Require(key is { Length: >= 8 and <= 100 }, BookingEndpoints.IdempotencyKeyHeader, new("booking.idempotency-key", 8, 100)).ThrowIfInvalid();

    private static IResult Created(PaymentResult result) =>
        result.Replayed
            ? new ReplayedResult(TypedResults.Created($"/api/payments/{result.Payment.Id}", PaymentView.From(result.Payment, result.ClientSecret)))
            : TypedResults.Created($"/api/payments/{result.Payment.Id}", PaymentView.From(result.Payment, result.ClientSecret));

    private sealed class ReplayedResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return inner.ExecuteAsync(http);
        }
    }
}
