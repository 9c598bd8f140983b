using Marketplace.Core.Families.Billing;

namespace Marketplace.Api.Families.Billing;

/// <summary>
/// One programme on the bill: what the family's share comes to (service fee + 代收费 − waived = <c>amountFen</c>), why it is
/// waived (<c>hardship</c> 家庭经济困难), what absences and a withdrawal took off it (<c>creditedFen</c>), its sessions' dates and
/// the dates the pupil was absent.
/// </summary>
public sealed record BillLineDto(
    Guid WindowId, Guid ProgrammeId, string Title, string ProviderName, int Sessions, IReadOnlyList<DateOnly> ServiceDays, long ServiceFeeFen,
    long CollectedFeeFen, long WaivedFen, string? WaiverReason, long AmountFen, long CreditedFen, DateOnly? WithdrawnOn, IReadOnlyList<DateOnly> AbsentDays,
    DateTimeOffset BilledAt)
{
    public static BillLineDto From(BillLine l) => new(l.WindowId, l.ProgrammeId, l.Title, l.ProviderName, l.BookingIds.Count, l.ServiceDays, l.ServiceFeeFen,
        l.CollectedFeeFen, l.WaivedFen, l.WaiverReason, l.AmountFen, l.CreditedFen, l.WithdrawnOn, l.AbsentDays, l.BilledAt);
}

/// <summary>A change of a line's credit: <c>cause</c> <c>Absence</c> (缺勤退费) or <c>Withdrawal</c> (退课); <c>reversal</c>: a corrected roll call took it back.</summary>
public sealed record BillAdjustmentDto(int Seq, Guid ProgrammeId, string Title, long AmountFen, string Cause, bool Reversal, IReadOnlyList<DateOnly> Days, DateTimeOffset At);

public sealed record BillPaymentDto(Guid Id, long AmountFen, string Method, string Reference, DateTimeOffset At);

/// <summary>A refund on the payment it paid back (<c>originalReference</c>: that payment's reference, 原路返回).</summary>
public sealed record BillRefundDto(Guid Id, Guid PaymentId, long AmountFen, string Method, string OriginalReference, string? GatewayReference, DateTimeOffset At);

/// <summary>A refund asked of the gateway and not final yet (退款处理中): <c>state</c> <c>Pending</c> (the gateway holds it) or <c>Unknown</c> (asked again).</summary>
public sealed record BillPendingRefundDto(Guid Id, Guid PaymentId, long AmountFen, string Method, string OriginalReference, string? GatewayReference, string State,
    DateTimeOffset At);

/// <summary>
/// A guardian's online payment attempt: <c>state</c> <c>Unknown</c> (the gateway has not answered), <c>Pending</c> (the QR code waits:
/// <c>qrImageDataUrl</c> is a data: URL of a PNG to show), <c>Succeeded</c> (recorded in <c>payments</c> with the same id) or <c>Failed</c>.
/// </summary>
public sealed record OnlinePaymentDto(Guid Id, Guid BillId, long AmountFen, string Method, string? GatewayReference, string State, string? FailureCode,
    string? QrImageDataUrl, DateTimeOffset StartedAt, DateTimeOffset? SettledAt)
{
    public static OnlinePaymentDto From(FamilyBill bill, BillOnlinePayment p) =>
        new(p.Id, bill.Id, p.AmountFen, p.Gateway, p.GatewayReference, p.State.ToString(), p.FailureCode, p.QrImageDataUrl, p.StartedAt, p.SettledAt);
}

/// <summary>
/// 家庭账单 of one pupil for one semester at one school. <c>balanceFen</c> = billed − credited − paid + refunded: what the family
/// still owes (0 when settled; negative while a refund is still due).
/// </summary>
public sealed record BillDto(
    Guid Id, Guid PupilId, string PupilName, Guid SchoolId, string Semester, int Grade, string ClassName, IReadOnlyList<BillLineDto> Lines,
    IReadOnlyList<BillAdjustmentDto> Adjustments, IReadOnlyList<BillPaymentDto> Payments, IReadOnlyList<BillRefundDto> Refunds, long BilledFen, long WaivedFen,
    long CreditedFen, long PaidFen, long RefundedFen, long BalanceFen, DateTimeOffset UpdatedAt, long Version)
{
    /// <summary>Refunds on their way (not in <c>refunds</c> nor in <c>refundedFen</c> until the gateway says they succeeded).</summary>
    public IReadOnlyList<BillPendingRefundDto> PendingRefunds { get; init; } = [];

    /// <summary>The guardian's online payment attempts, oldest first (the QR code only on an open one).</summary>
    public IReadOnlyList<OnlinePaymentDto> OnlinePayments { get; init; } = [];

    /// <summary>How many refunds the gateway refused or failed (each asked again, hourly, under a new number), and the last one's time.</summary>
    public int RefundFailures { get; init; }

    public DateTimeOffset? LastRefundFailureAt { get; init; }

    public static BillDto From(BillView v)
    {
        var b = v.Bill;
        var titles = b.Lines.GroupBy(l => l.ProgrammeId).ToDictionary(g => g.Key, g => g.First().Title);
        return new(b.Id, b.PupilId, v.PupilName, b.SchoolId, b.Semester, b.Grade, b.ClassName, [.. b.Lines.Select(BillLineDto.From)],
            [.. b.Adjustments.Select(a => new BillAdjustmentDto(a.Seq, a.ProgrammeId, titles.GetValueOrDefault(a.ProgrammeId) ?? "", a.AmountFen, a.Cause.ToString(),
                a.Reversal, a.Days, a.At))],
            [.. b.Payments.Select(p => new BillPaymentDto(p.Id, p.AmountFen, p.Gateway, p.Reference, p.At))],
            [.. b.Refunds.Select(r => new BillRefundDto(r.Id, r.PaymentId, r.AmountFen, r.Gateway, r.OriginalReference, r.GatewayReference, r.At))],
            b.BilledFen, b.Lines.Sum(l => l.WaivedFen), b.CreditedFen, b.PaidFen, b.RefundedFen, b.BalanceFen, b.UpdatedAt, b.Version)
        {
            PendingRefunds = [.. b.PendingRefunds.Select(r => new BillPendingRefundDto(r.Id, r.PaymentId, r.AmountFen, r.Gateway, r.OriginalReference, r.GatewayReference,
                r.State.ToString(), r.At))],
            OnlinePayments = [.. b.OnlinePayments.Select(p => OnlinePaymentDto.From(b, p))],
            RefundFailures = b.RefundFailures,
            LastRefundFailureAt = b.LastRefundFailureAt,
        };
    }
}
