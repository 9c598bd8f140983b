using System.Text.Json.Serialization;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Billing;

/// <summary>Why a line costs the family nothing although the programme has a family fee: 家庭经济困难 (the school fund bears it).</summary>
public static class WaiverReasons
{
    public const string Hardship = "hardship";
}

/// <summary>Where a bill's balance stands: the family owes (未缴), it is paid up (已缴, balance 0), or the school owes a refund (待退费).</summary>
public enum BillState
{
    Owed,
    PaidUp,
    RefundDue,
}

/// <summary>
/// One programme on a pupil's bill: the window and programme it came from, its sessions (the bookings, their Beijing dates), the
/// family's share per the bookings' quotes (服务性收费 + 代收费, per pupil per session, summed), what is waived (家庭经济困难) and
/// what is billed (<see cref="AmountFen"/> = service + collected − waived). <see cref="CreditedFen"/>: what absences and a
/// withdrawal took off it so far, under the district's refund rule; <see cref="WithdrawnOn"/>: the day the pupil left.
/// </summary>
public sealed record BillLine(
    Guid WindowId, Guid ProgrammeId, string Title, string ProviderName, IReadOnlyList<Guid> BookingIds, IReadOnlyList<DateOnly> ServiceDays,
    long ServiceFeeFen, long CollectedFeeFen, long WaivedFen, string? WaiverReason, DateTimeOffset BilledAt)
{
    public long AmountFen => ServiceFeeFen + CollectedFeeFen - WaivedFen;
    public long CreditedFen { get; init; }
    public DateOnly? WithdrawnOn { get; init; }
    public IReadOnlyList<DateOnly> AbsentDays { get; init; } = [];

    /// <summary>
    /// 1 for the pupil's first placement on the programme in the window; 2, 3, … when it withdrew and was approved again: a new line over
    /// the sessions from its new submission, next to the withdrawn one (whose withdrawal credit stays as it was).
    /// </summary>
    public int Enrolment { get; init; } = 1;
}

/// <summary>
/// A change of a line's credit: positive takes that much off the bill (缺勤退费 <see cref="RefundCause.Absence"/>, 退课
/// <see cref="RefundCause.Withdrawal"/>), negative puts it back (a roll call corrected from absent to present,
/// <see cref="Reversal"/>). <see cref="Days"/>: the Beijing dates the credit now covers.
/// </summary>
public sealed record BillAdjustment(int Seq, Guid ProgrammeId, long AmountFen, RefundCause Cause, bool Reversal, IReadOnlyList<DateOnly> Days, DateTimeOffset At);

/// <summary>A family's payment of the bill, through a gateway ("offline": the unified-payment or bank reference the school recorded).</summary>
public sealed record BillPayment(Guid Id, long AmountFen, string Gateway, string Reference, DateTimeOffset At, string RecordedBy);

/// <summary>Money paid back to the family, on the channel of <see cref="PaymentId"/> (原路返回), with that payment's reference.</summary>
public sealed record BillRefund(Guid Id, Guid PaymentId, long AmountFen, string Gateway, string OriginalReference, string? GatewayReference, DateTimeOffset At);

/// <summary>
/// A refund asked of the gateway whose outcome is not final yet (退款处理中): <see cref="PaymentState.Pending"/> (the gateway took it,
/// e.g. a Stripe refund pending; its refund.updated event settles it) or <see cref="PaymentState.Unknown"/> (the answer was lost:
/// the same key is asked again at the bill's next change, or the event settles it). Not in the ledger until it succeeds.
/// </summary>
public sealed record BillPendingRefund(Guid Id, int Seq, Guid PaymentId, long AmountFen, string Gateway, string OriginalReference, string? GatewayReference,
    PaymentState State, DateTimeOffset At);

/// <summary>
/// A guardian's online payment of the bill (Stripe: a WeChat Pay PaymentIntent): <see cref="PaymentState.Unknown"/> until the
/// gateway answered, <see cref="PaymentState.Pending"/> while the QR code waits to be scanned, then Succeeded (recorded as a
/// <see cref="BillPayment"/> with the same id — only from the gateway's own word: its webhook or its answer) or Failed.
/// </summary>
public sealed record BillOnlinePayment(Guid Id, string IdempotencyKey, long AmountFen, string Gateway, string? GatewayReference, PaymentState State,
    string? FailureCode, string? QrImageDataUrl, DateTimeOffset StartedAt, DateTimeOffset? SettledAt, string By)
{
    /// <summary>How long an unpaid attempt blocks another: WeChat Pay's QR code is scanned within minutes; after this a guardian
    /// may start again (if the old one is still paid, the overpayment is refunded on it like any credit).</summary>
    public static readonly TimeSpan OpenFor = TimeSpan.FromHours(2);

    public bool IsOpenAt(DateTimeOffset now) => State is PaymentState.Pending or PaymentState.Unknown && now - StartedAt < OpenFor;
}

/// <summary>
/// 家庭账单: one per pupil, school and semester (its id derived from the three, so two writers never fork it), a line per programme
/// the pupil was placed on for good (学校复核 of a placed application, or the lottery's placement of an approved one). Payments and
/// refunds are kept on it; every money movement is also one balanced ledger transaction on the bill's own account
/// (<see cref="Accounts.FamilyBill"/>), keyed by the bill and the line, payment, adjustment or refund, so a retry posts nothing twice.
/// <see cref="BalanceFen"/> = billed − credited − paid + refunded: what the family still owes (negative: what the school owes it).
/// </summary>
public sealed class FamilyBill : IAggregate
{
    [JsonConstructor]
    private FamilyBill() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public Guid PupilId { get; private set; }
    [JsonInclude] public string Semester { get; private set; } = "";
    [JsonInclude] public int Grade { get; private set; }
    [JsonInclude] public string ClassName { get; private set; } = "";
    [JsonInclude] public IReadOnlyList<BillLine> Lines { get; private set; } = [];
    [JsonInclude] public IReadOnlyList<BillAdjustment> Adjustments { get; private set; } = [];
    [JsonInclude] public IReadOnlyList<BillPayment> Payments { get; private set; } = [];
    [JsonInclude] public IReadOnlyList<BillRefund> Refunds { get; private set; } = [];
    [JsonInclude] public DateTimeOffset CreatedAt { get; private set; }
    [JsonInclude] public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>Refunds asked of a gateway and not final yet (not in <see cref="Refunds"/>, not in the ledger).</summary>
    [JsonInclude] public IReadOnlyList<BillPendingRefund> PendingRefunds { get; private set; } = [];

    /// <summary>The last refund number given to a gateway call (each attempt gets the next, so a refused refund is not retried on its key).</summary>
    [JsonInclude] public int RefundSeq { get; private set; }

    /// <summary>How many refunds the gateway refused or later failed (each asked again under a new number), and the last one's time:
    /// shown to the school beside the refund still due, which it may have to pay back by hand if they keep failing.</summary>
    [JsonInclude] public int RefundFailures { get; private set; }

    [JsonInclude] public DateTimeOffset? LastRefundFailureAt { get; private set; }

    /// <summary>The guardians' online payment attempts, oldest first; at most one is open (<see cref="BillOnlinePayment.IsOpenAt"/>).</summary>
    [JsonInclude] public IReadOnlyList<BillOnlinePayment> OnlinePayments { get; private set; } = [];

    /// <summary>The windows its lines came from (stored for the school's filter).</summary>
    [JsonInclude] public IReadOnlyList<Guid> WindowIds { get; private set; } = [];

    /// <summary>Stored for the school's "unpaid" filter; always <see cref="BilledFen"/> − credited − paid + refunded.</summary>
    [JsonInclude] public long BalanceFen { get; private set; }

    public long BilledFen => Lines.Sum(l => l.AmountFen);
    /// <summary>What 家庭经济困难 waived (stored for the totals; not part of <see cref="BilledFen"/>).</summary>
    public long WaivedFen => Lines.Sum(l => l.WaivedFen);
    public long CreditedFen => Lines.Sum(l => l.CreditedFen);
    public long PaidFen => Payments.Sum(p => p.AmountFen);
    public long RefundedFen => Refunds.Sum(r => r.AmountFen);
    public long RefundPendingFen => PendingRefunds.Sum(r => r.AmountFen);

    /// <summary>A name-based id: the same (school, pupil, semester) always names the same bill.</summary>
    public static Guid IdOf(Guid schoolId, Guid pupilId, string semester) => LedgerTransaction.IdOf($"family-bill:{schoolId:N}:{pupilId:N}:{semester}");

    public static FamilyBill Open(Pupil pupil, string semester, DateTimeOffset now) => new()
    {
        Id = IdOf(pupil.SchoolId, pupil.Id, semester), Version = 1, SchoolId = pupil.SchoolId, DistrictCode = pupil.DistrictCode, PupilId = pupil.Id,
        Semester = semester, Grade = pupil.Grade, ClassName = pupil.ClassName, CreatedAt = now, UpdatedAt = now,
    };

    /// <summary>The programme's line of that enrolment in the window (1: the first placement).</summary>
    public BillLine? Line(Guid windowId, Guid programmeId, int enrolment = 1) =>
        Lines.FirstOrDefault(l => l.WindowId == windowId && l.ProgrammeId == programmeId && l.Enrolment == enrolment);

    /// <summary>
    /// Adds the line unless the bill has it — same window, programme and enrolment (a second approval or a replayed event bills nothing);
    /// its ledger posting, or null.
    /// </summary>
    public LedgerTransaction? Bill(BillLine line, DateTimeOffset now)
    {
        if (Line(line.WindowId, line.ProgrammeId, line.Enrolment) is not null) return null;
        Lines = [.. Lines, line];
        WindowIds = [.. Lines.Select(l => l.WindowId).Distinct()];
        Touch(now);
        var key = line.Enrolment == 1 ? $"line:{line.WindowId:N}:{line.ProgrammeId:N}" : $"line:{line.WindowId:N}:{line.ProgrammeId:N}:{line.Enrolment}";
        var tx = Post(key, LedgerKind.Billing, now, line.AmountFen, Accounts.FamilyReceivable(SchoolId), $"billed: {line.Title}");
        return tx.IsEmpty ? null : tx;
    }

    /// <summary>
    /// Moves a line's credit to <paramref name="target"/> (what the refund rule gives for its absences and withdrawal now). A credit
    /// only goes back down by what was not refunded in cash: a refund paid out is never taken back. Null when nothing moves.
    /// </summary>
    public LedgerTransaction? Credit(Guid windowId, Guid programmeId, long target, RefundCause cause, DateOnly? withdrawnOn, IReadOnlyList<DateOnly> absentDays,
        IReadOnlyList<DateOnly> creditedDays, DateTimeOffset now, int enrolment = 1)
    {
        var line = Line(windowId, programmeId, enrolment) ?? throw new InvalidOperationException("No such bill line.");
        var delta = target - line.CreditedFen;
        if (delta < 0) delta = -Math.Min(-delta, Math.Max(0, CreditedFen - RefundedFen - RefundPendingFen));
        if (delta == 0 && (withdrawnOn ?? line.WithdrawnOn) == line.WithdrawnOn && absentDays.SequenceEqual(line.AbsentDays)) return null;
        var updated = line with { CreditedFen = line.CreditedFen + delta, WithdrawnOn = withdrawnOn ?? line.WithdrawnOn, AbsentDays = absentDays };
        Lines = [.. Lines.Select(l => l == line ? updated : l)];
        Touch(now);
        if (delta == 0) return null;
        var seq = Adjustments.Count + 1;
        Adjustments = [.. Adjustments, new BillAdjustment(seq, programmeId, delta, cause, delta < 0, creditedDays, now)];
        return Post($"credit:{seq}", LedgerKind.Credit, now, -delta, Accounts.FamilyReceivable(SchoolId), $"{cause} credit: {line.Title}");
    }

    /// <summary>A family's payment: never above what is owed (409 <c>bill-payment-above-owed</c>).</summary>
    public LedgerTransaction Pay(Guid paymentId, long amountFen, string gateway, string reference, DateTimeOffset now, string by)
    {
        if (amountFen > BalanceFen) throw new DomainRuleException("bill-payment-above-owed", Money.Yuan(Math.Max(0, BalanceFen)));
        return AddPayment(paymentId, amountFen, gateway, reference, now, by);
    }

    private LedgerTransaction AddPayment(Guid paymentId, long amountFen, string gateway, string reference, DateTimeOffset now, string by)
    {
        Payments = [.. Payments, new BillPayment(paymentId, amountFen, gateway, reference, now, by)];
        Touch(now);
        return Post($"payment:{paymentId:N}", LedgerKind.Receipt, now, -amountFen, Accounts.Cash(SchoolId), $"{gateway} {reference}");
    }

    /// <summary>The id of the ledger transaction that posted payment <paramref name="paymentId"/> of bill <paramref name="billId"/>.</summary>
    public static Guid PaymentPostingId(Guid billId, Guid paymentId) => LedgerTransaction.IdOf($"family-bill:{billId:N}:payment:{paymentId:N}");

    /// <summary>The open online attempt at <paramref name="now"/>, if any.</summary>
    public BillOnlinePayment? OpenOnlinePayment(DateTimeOffset now) => OnlinePayments.LastOrDefault(p => p.IsOpenAt(now));

    /// <summary>
    /// A guardian starts paying what the bill owes online: refused while another attempt is open (409 <c>bill-online-payment-open</c>)
    /// or when nothing is owed (409 <c>bill-nothing-owed</c>). Unknown until the gateway answers.
    /// </summary>
    public BillOnlinePayment StartOnlinePayment(Guid id, string idempotencyKey, string gateway, DateTimeOffset now, string by)
    {
        if (OpenOnlinePayment(now) is not null) throw new DomainRuleException("bill-online-payment-open");
        if (BalanceFen <= 0) throw new DomainRuleException("bill-nothing-owed");
        var attempt = new BillOnlinePayment(id, idempotencyKey, BalanceFen, gateway, null, PaymentState.Unknown, null, null, now, null, by);
        OnlinePayments = [.. OnlinePayments, attempt];
        Touch(now);
        return attempt;
    }

    /// <summary>
    /// The gateway's word on an online attempt (its answer to the start, its webhook, or its record): Succeeded records the payment
    /// once — even above what is owed now (the money was taken; the difference is refunded on it like a credit) — and returns its
    /// posting. A final attempt stays final. Null when nothing is posted.
    /// </summary>
    public LedgerTransaction? SettleOnlinePayment(Guid id, PaymentState state, string? gatewayReference, string? failureCode, string? qrImageDataUrl, DateTimeOffset now)
    {
        var attempt = OnlinePayments.FirstOrDefault(p => p.Id == id);
        if (attempt is null || attempt.State is PaymentState.Succeeded or PaymentState.Failed) return null;
        var reference = attempt.GatewayReference ?? gatewayReference;
        var final = state is PaymentState.Succeeded or PaymentState.Failed;
        var updated = attempt with
        {
            GatewayReference = reference, State = state == PaymentState.Unknown ? attempt.State : state, FailureCode = state == PaymentState.Failed ? failureCode : null,
            QrImageDataUrl = final ? null : qrImageDataUrl ?? attempt.QrImageDataUrl, SettledAt = final ? now : null,
        };
        if (updated == attempt) return null;
        OnlinePayments = [.. OnlinePayments.Select(p => p.Id == id ? updated : p)];
        if (state == PaymentState.Succeeded && Payments.All(p => p.Id != id))
            return AddPayment(id, attempt.AmountFen, attempt.Gateway, reference ?? attempt.Gateway, now, attempt.By);
        Touch(now);
        return null;
    }

    /// <summary>
    /// What the school owes back in cash, per payment (newest first) it goes back on: a negative balance, never more than a payment
    /// minus what was refunded on it already.
    /// </summary>
    public IReadOnlyList<(BillPayment Payment, long AmountFen)> RefundsDue()
    {
        var owed = -BalanceFen - RefundPendingFen; // a refund on its way is not asked twice
        var due = new List<(BillPayment, long)>();
        foreach (var p in Payments.Reverse())
        {
            if (owed <= 0) break;
            var left = p.AmountFen - Refunds.Where(r => r.PaymentId == p.Id).Sum(r => r.AmountFen) - PendingRefunds.Where(r => r.PaymentId == p.Id).Sum(r => r.AmountFen);
            var amount = Math.Min(left, owed);
            if (amount <= 0) continue;
            due.Add((p, amount));
            owed -= amount;
        }
        return due;
    }

    /// <summary>Records a refund the gateway made; never more than the payment minus its earlier refunds.</summary>
    public LedgerTransaction Refund(Guid refundId, BillPayment payment, long amountFen, string? gatewayReference, DateTimeOffset now)
    {
        var left = payment.AmountFen - Refunds.Where(r => r.PaymentId == payment.Id).Sum(r => r.AmountFen);
        if (amountFen <= 0 || amountFen > left || amountFen > -BalanceFen) throw new InvalidOperationException("A refund above what was paid or is owed.");
        return AddRefund(refundId, payment, amountFen, gatewayReference, now);
    }

    private LedgerTransaction AddRefund(Guid refundId, BillPayment payment, long amountFen, string? gatewayReference, DateTimeOffset now)
    {
        Refunds = [.. Refunds, new BillRefund(refundId, payment.Id, amountFen, payment.Gateway, payment.Reference, gatewayReference, now)];
        Touch(now);
        return Post($"refund:{refundId:N}", LedgerKind.Refund, now, amountFen, Accounts.Cash(SchoolId), $"{payment.Gateway} refund of {payment.Reference}");
    }

    /// <summary>
    /// The id and number of the next refund asked of a gateway: the same on every retry of one change (the bill re-read gives the
    /// same number, so the gateway sees the same key), a new one after an attempt was recorded (refused, pending or paid).
    /// </summary>
    public (Guid Id, int Seq) NextRefund()
    {
        var seq = Math.Max(RefundSeq, Refunds.Count + PendingRefunds.Count) + 1;
        return (LedgerTransaction.IdOf($"family-refund:{Id:N}:{seq}"), seq);
    }

    /// <summary>
    /// What the gateway answered to refund number <paramref name="seq"/>: Succeeded is recorded and posted; Pending or Unknown is
    /// kept as a pending refund (shown, not asked again, not posted); Failed only uses up the number, so the refund stays due and is
    /// asked again with a new key at the bill's next change.
    /// </summary>
    public LedgerTransaction? RefundAnswered(Guid refundId, int seq, BillPayment payment, long amountFen, PaymentState state, string? gatewayReference, DateTimeOffset now)
    {
        RefundSeq = Math.Max(RefundSeq, seq);
        switch (state)
        {
            case PaymentState.Succeeded:
                return Refund(refundId, payment, amountFen, gatewayReference, now);
            case PaymentState.Pending or PaymentState.Unknown:
                PendingRefunds = [.. PendingRefunds, new BillPendingRefund(refundId, seq, payment.Id, amountFen, payment.Gateway, payment.Reference, gatewayReference, state, now)];
                break;
            case PaymentState.Failed:
                RefundFailed(now);
                break;
        }
        Touch(now);
        return null;
    }

    /// <summary>
    /// A pending refund's outcome (the gateway's event, or its answer to the same key asked again): Succeeded is recorded and
    /// posted — whatever the balance is now, the money has gone back; Failed drops it (due again); Pending keeps it with the
    /// gateway's reference. Null when nothing is posted; a refund not pending here (settled before, or not ours) changes nothing.
    /// </summary>
    public LedgerTransaction? SettleRefund(Guid refundId, PaymentState state, string? gatewayReference, DateTimeOffset now)
    {
        var pending = PendingRefunds.FirstOrDefault(r => r.Id == refundId);
        if (pending is null || state == PaymentState.Unknown) return null;
        var others = PendingRefunds.Where(r => r.Id != refundId).ToList();
        switch (state)
        {
            case PaymentState.Succeeded:
                PendingRefunds = others;
                var payment = Payments.First(p => p.Id == pending.PaymentId);
                return AddRefund(refundId, payment, pending.AmountFen, gatewayReference ?? pending.GatewayReference, now);
            case PaymentState.Failed:
                PendingRefunds = others;
                RefundFailed(now);
                break;
            default:
                if (pending.State == state && (pending.GatewayReference ?? gatewayReference) == pending.GatewayReference) return null;
                PendingRefunds = [.. PendingRefunds.Select(r => r.Id == refundId ? r with { State = state, GatewayReference = r.GatewayReference ?? gatewayReference } : r)];
                break;
        }
        Touch(now);
        return null;
    }

    private void RefundFailed(DateTimeOffset now) => (RefundFailures, LastRefundFailureAt) = (RefundFailures + 1, now);

    /// <summary>One transaction: <paramref name="billFen"/> on the bill's account (debit: the family owes more), the opposite on <paramref name="other"/>.</summary>
    private LedgerTransaction Post(string key, LedgerKind kind, DateTimeOffset at, long billFen, string other, string memo) =>
        LedgerTransaction.Post($"family-bill:{Id:N}:{key}", kind, at, DistrictCode,
            [new LedgerEntry(Accounts.FamilyBill(Id), billFen), new LedgerEntry(other, -billFen)], memo, SchoolId);

    private void Touch(DateTimeOffset now)
    {
        BalanceFen = BilledFen - CreditedFen - PaidFen + RefundedFen;
        UpdatedAt = now;
        Version++;
    }
}
