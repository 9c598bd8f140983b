using Marketplace.Core.Bookings;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Billing;

/// <summary>
/// Keeps the family bills in step with what happened (called from the outbox, at least once per event, so every step is
/// state-based and idempotent):
/// <list type="bullet">
/// <item>an application school-approved with placements (学校复核 in first come; the lottery's placement of an approved one) bills one
/// line per programme — the family's share from the bookings' quotes, waived for 家庭经济困难 — once, however often it is seen;</item>
/// <item>a withdrawn application stops its window's lines from the withdrawal day;</item>
/// <item>a roll call sets each line's credit to what the district's refund rule gives for the pupil's absences (and withdrawal) —
/// recomputed from the rolls, so a roll taken again credits nothing twice and a correction (absent → present) takes back the
/// credit not yet refunded;</item>
/// <item>a bill paid beyond what it now comes to is refunded on the payment's own channel through the gateway; a refund the gateway
/// refused, or whose answer was lost, is asked again by <see cref="RetryRefundsAsync"/> (the hourly sweep) as well as at the bill's
/// next change.</item>
/// </list>
/// Each step is one commit of the bill and its balanced ledger transactions, retried on a concurrent change.
/// </summary>
public sealed class FamilyBilling(IMarketplaceStore store, IEnumerable<IPaymentGateway> gateways, TimeProvider clock)
{
    /// <summary>An application moved: bill its final placements, or stop its lines on a withdrawal. The bill, or null when none is touched.</summary>
    public async Task<FamilyBill?> ApplicationChangedAsync(Guid applicationId, CancellationToken ct = default)
    {
        var application = await store.FindAsync<SelectionApplication>(applicationId, ct);
        if (application is null) return null;
        var window = await store.FindAsync<SelectionWindow>(application.WindowId, ct);
        var pupil = await store.FindAsync<Pupil>(application.PupilId, ct);
        if (window is null || pupil is null) return null; // the pupil left the roster (retention): nothing to bill
        if (application.Status == ApplicationStatus.SchoolApproved && application.Placements.Count > 0)
        {
            // Approved again after a withdrawal: the lines billed before it end there (if that step was not handled yet) and each
            // placement whose line ended is billed again, as a new line over the sessions from the new submission.
            var withdrawn = application.Steps.LastOrDefault(s => s.Status == ApplicationStatus.Withdrawn);
            var lines = await LinesAsync(window, application, pupil, null, ct);
            var again = withdrawn is null ? lines
                : await LinesAsync(window, application, pupil, ChinaTime.DateOf(application.Steps.LastOrDefault(s => s.Status == ApplicationStatus.Submitted && s.At >= withdrawn.At)?.At ?? withdrawn.At), ct);
            return await ChangeAsync(pupil, window.Semester, bill => BillPlacements(bill, lines, again, withdrawn?.At),
                withdrawn is null ? null : (window.Id, withdrawn.At), ct);
        }
        if (application.Status == ApplicationStatus.Withdrawn && application.Steps.LastOrDefault() is { Status: ApplicationStatus.Withdrawn } step)
        {
            var existing = await store.FindAsync<FamilyBill>(FamilyBill.IdOf(pupil.SchoolId, pupil.Id, window.Semester), ct);
            if (existing is null || existing.Lines.All(l => l.WindowId != window.Id)) return existing;
            return await ChangeAsync(pupil, window.Semester, _ => [], (window.Id, step.At), ct);
        }
        return null;
    }

    /// <summary>
    /// Bills each placement that has no live line in the window: the first line (<paramref name="first"/>) when the programme was never
    /// billed here, else a new enrolment (<paramref name="again"/>) when its last line ended — withdrawn, or billed before the withdrawal at
    /// <paramref name="withdrawnAt"/>.
    /// </summary>
    private IEnumerable<LedgerTransaction?> BillPlacements(FamilyBill bill, IReadOnlyList<BillLine> first, IReadOnlyList<BillLine> again, DateTimeOffset? withdrawnAt)
    {
        var now = clock.GetUtcNow();
        foreach (var line in first)
        {
            var earlier = bill.Lines.Where(l => l.WindowId == line.WindowId && l.ProgrammeId == line.ProgrammeId).OrderBy(l => l.Enrolment).ToList();
            if (earlier.Count == 0)
            {
                yield return bill.Bill(line, now);
                continue;
            }
            var last = earlier[^1];
            if (last.WithdrawnOn is null && !(withdrawnAt is { } at && last.BilledAt < at)) continue;
            var renewed = again.First(l => l.ProgrammeId == line.ProgrammeId);
            yield return bill.Bill(renewed with { Enrolment = last.Enrolment + 1 }, now);
        }
    }

    /// <summary>A booking's roll changed: every marked pupil's bill with a line over that booking is credited anew.</summary>
    public async Task<int> RollChangedAsync(Guid bookingId, CancellationToken ct = default)
    {
        var roll = await store.FindAsync<RollCall.Roll>(bookingId, ct);
        if (roll is null) return 0;
        var touched = 0;
        foreach (var mark in roll.Marks)
        {
            var bills = await store.ListFamilyBillsAsync(new FamilyBillFilter(PupilId: mark.PupilId, Limit: 100), ct);
            foreach (var bill in bills.Where(b => b.SchoolId == roll.SchoolId && b.Lines.Any(l => l.BookingIds.Contains(bookingId))))
            {
                var pupil = await store.FindAsync<Pupil>(bill.PupilId, ct);
                if (pupil is null) continue;
                await ChangeAsync(pupil, bill.Semester, _ => [], null, ct);
                touched++;
            }
        }
        return touched;
    }

    /// <summary>
    /// Asks again every refund still owed that nothing else will ask: bills with a refund due (a negative balance) whose refund the
    /// gateway refused (due again, a new number and key) or whose answer was lost (the same key) — a refund the gateway holds as
    /// pending waits for its event. Only bills unchanged since <paramref name="unchangedSince"/>, so a refusal is asked again once a
    /// sweep period later, not in a loop. District by district, 200 bills a page; a bill that fails (its store or gateway throwing)
    /// is counted and left for the next sweep, the others go on. How many bills changed, and how many failed.
    /// </summary>
    public async Task<(int Changed, int Failed)> RetryRefundsAsync(DateTimeOffset unchangedSince, CancellationToken ct = default)
    {
        const int PageSize = 200;
        var (changed, failed) = (0, 0);
        foreach (var district in await store.ListDistrictsAsync(ct))
        {
            for (Guid? after = null; ;)
            {
                var page = await store.ListFamilyBillsAsync(new FamilyBillFilter(Limit: PageSize, After: after) { Districts = [district.Code], State = BillState.RefundDue }, ct);
                foreach (var bill in page)
                {
                    if (bill.UpdatedAt > unchangedSince) continue;
                    if (bill.RefundsDue().Count == 0 && bill.PendingRefunds.All(r => r.State != PaymentState.Unknown)) continue;
                    try
                    {
                        var pupil = await store.FindAsync<Pupil>(bill.PupilId, ct);
                        if (pupil is null) continue; // left the roster: the school pays back by hand (its screen shows the refund due)
                        if ((await ChangeAsync(pupil, bill.Semester, _ => [], null, ct)).Version != bill.Version) changed++;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        failed++;
                    }
                }
                if (page.Count < PageSize) break;
                after = page[^1].Id;
            }
        }
        return (changed, failed);
    }

    /// <summary>
    /// One commit of the pupil's bill: new lines, a withdrawal, every line's credit recomputed, refunds due paid back. Nothing is
    /// written when nothing changed.
    /// </summary>
    private Task<FamilyBill> ChangeAsync(Pupil pupil, string semester, Func<FamilyBill, IEnumerable<LedgerTransaction?>> addLines,
        (Guid WindowId, DateTimeOffset At)? withdrawal, CancellationToken ct) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var id = FamilyBill.IdOf(pupil.SchoolId, pupil.Id, semester);
            var bill = await store.FindAsync<FamilyBill>(id, ct);
            var now = clock.GetUtcNow();
            var isNew = bill is null;
            bill ??= FamilyBill.Open(pupil, semester, now);
            var expected = isNew ? 0 : bill.Version;
            var postings = addLines(bill).OfType<LedgerTransaction>().ToList();
            postings.AddRange(await CreditAsync(bill, withdrawal, now, ct));
            postings.AddRange(await RefundAsync(bill, now, ct));
            if (isNew && bill.Lines.Count == 0) return bill;
            if (!isNew && bill.Version == expected) return bill;
            var changes = isNew ? new StoreChanges().Insert(bill) : new StoreChanges().Update(bill, expected);
            foreach (var tx in postings) changes.Insert(tx);
            try
            {
                await store.CommitAsync(changes, ct);
            }
            catch (DuplicateException) when (isNew)
            {
                throw new ConcurrencyConflictException("family-bill", id); // opened at the same moment by another event: decide again on it
            }
            return bill;
        });

    /// <summary>Each line's credit under the district's rule for its absences (from the rolls of its bookings) and withdrawal.</summary>
    private async Task<List<LedgerTransaction>> CreditAsync(FamilyBill bill, (Guid WindowId, DateTimeOffset At)? withdrawal, DateTimeOffset now, CancellationToken ct)
    {
        var rule = await RuleAsync(bill.DistrictCode, bill.Semester, now, ct);
        var postings = new List<LedgerTransaction>();
        foreach (var line in bill.Lines.ToList())
        {
            if (line.ServiceDays.Count == 0) continue;
            // A withdrawal ends the lines billed before it (a line billed again after it is the new enrolment's).
            var withdrawnOn = line.WithdrawnOn ?? (withdrawal is { } w && w.WindowId == line.WindowId && line.BilledAt <= w.At ? ChinaTime.DateOf(w.At) : null);
            var rolls = await store.FindManyAsync<RollCall.Roll>(line.BookingIds.ToArray(), ct);
            var absent = rolls.Where(r => r.PresentOf(bill.PupilId) == false).Select(r => ChinaTime.DateOf(r.SessionStartsAt))
                .Where(d => line.ServiceDays.Contains(d)).Distinct().Order().ToList();
            var refund = RefundCalculator.Compute(rule, line.AmountFen, new BillingTerm(line.ServiceDays[0], line.ServiceDays), withdrawnOn, absent);
            var cause = refund.Lines.Count > 0 && refund.Lines.All(l => l.Cause == RefundCause.Withdrawal) ? RefundCause.Withdrawal
                : withdrawnOn is not null && refund.Lines.Count == 0 ? RefundCause.Withdrawal : RefundCause.Absence;
            var days = refund.Lines.SelectMany(l => line.ServiceDays.Where(d => d >= l.From && d <= l.To)).Distinct().Order().ToList();
            if (bill.Credit(line.WindowId, line.ProgrammeId, refund.RefundFen, cause, withdrawnOn, absent, days, now, line.Enrolment) is { } tx) postings.Add(tx);
        }
        return postings;
    }

    /// <summary>
    /// Pays back what the family paid beyond what the bill now comes to, on each payment's own gateway (原路返回). A refund whose
    /// answer was lost (Unknown) is asked again first, with its own key (the gateway replays its answer, nothing is refunded
    /// twice); one the gateway holds as pending waits for its event. Each new refund gets the bill's next number and key.
    /// </summary>
    private async Task<List<LedgerTransaction>> RefundAsync(FamilyBill bill, DateTimeOffset now, CancellationToken ct)
    {
        var postings = new List<LedgerTransaction>();
        foreach (var pending in bill.PendingRefunds.Where(r => r.State == PaymentState.Unknown).ToList())
        {
            var gateway = gateways.FirstOrDefault(g => g.Name == pending.Gateway);
            if (gateway is null) continue;
            var answer = await gateway.RefundAsync(Order(bill, pending.Id, pending.AmountFen, pending.OriginalReference), ct);
            if (bill.SettleRefund(pending.Id, answer.State, answer.GatewayReference, now) is { } tx) postings.Add(tx);
        }
        foreach (var (payment, amount) in bill.RefundsDue())
        {
            var gateway = gateways.FirstOrDefault(g => g.Name == payment.Gateway);
            if (gateway is null) continue;
            var (refundId, seq) = bill.NextRefund();
            var answer = await gateway.RefundAsync(Order(bill, refundId, amount, payment.Reference), ct);
            if (bill.RefundAnswered(refundId, seq, payment, amount, answer.State, answer.GatewayReference, now) is { } tx) postings.Add(tx);
        }
        return postings;
    }

    private static RefundOrder Order(FamilyBill bill, Guid refundId, long amount, string originalReference) =>
        new(refundId, $"refund-{refundId:N}", amount, bill.SchoolId, originalReference, "课后服务费退费", bill.Id);

    /// <summary>
    /// A verified gateway event about a family bill: a guardian's online payment (metadata bill_id + payment_id) settles its attempt
    /// — Succeeded records the payment, and anything paid above what the bill now owes is refunded on it; a refund event settles
    /// that pending refund. State-based: a replayed or late event changes nothing. True when the bill changed.
    /// </summary>
    public async Task<bool> GatewayEventAsync(GatewayEvent e, CancellationToken ct = default)
    {
        var (billId, paymentId, refund) = (e.Refund?.BillId ?? e.Payment?.BillId, e.Payment?.PaymentId, e.Refund);
        if (billId is null || (refund is null && paymentId is null) || (refund is not null && refund.RefundId is null)) return false;
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var bill = await store.FindAsync<FamilyBill>(billId.Value, ct);
            if (bill is null) return false;
            var now = clock.GetUtcNow();
            var expected = bill.Version;
            var postings = new List<LedgerTransaction>();
            if (refund is not null)
            {
                if (bill.SettleRefund(refund.RefundId!.Value, refund.State, refund.GatewayReference, now) is { } tx) postings.Add(tx);
            }
            else if (e.Payment is { } payment && bill.SettleOnlinePayment(paymentId!.Value, payment.State, payment.GatewayReference, null, null, now) is { } paid)
            {
                postings.Add(paid);
                postings.AddRange(await RefundAsync(bill, now, ct));
            }
            if (bill.Version == expected) return false;
            var changes = new StoreChanges().Update(bill, expected);
            foreach (var tx in postings) changes.Insert(tx);
            await store.CommitAsync(changes, ct);
            return true;
        });
    }

    /// <summary>The district's refund rule for the semester, in force now; per day where it states none or has no policy.</summary>
    private async Task<RefundRule> RuleAsync(string district, string semester, DateTimeOffset now, CancellationToken ct)
    {
        var policy = await store.FindAsync<FundingPolicy>(FundingPolicy.IdOf(district, semester), ct);
        return (policy?.InForce(now) ?? policy?.Revisions.FirstOrDefault())?.Terms.RefundRuleOrDefault ?? RefundRule.PerDay;
    }

    /// <summary>
    /// A line per placement: the family's share of each of the programme's live bookings (服务性收费 + the 代收费 families pay), per
    /// pupil per session, from the quote fixed at booking; a 家庭经济困难 pupil's service fee and the 代收费 the policy waives for it
    /// are waived.
    /// </summary>
    private async Task<List<BillLine>> LinesAsync(SelectionWindow window, SelectionApplication application, Pupil pupil, DateOnly? from, CancellationToken ct)
    {
        var hardship = pupil.Hardship == true || application.Flags.Contains(SelectionFlags.Hardship);
        var now = clock.GetUtcNow();
        var lines = new List<BillLine>();
        foreach (var placement in application.Placements)
        {
            if (window.Programme(placement.ProgrammeId) is not { } programme) continue;
            var bookings = (await store.FindManyAsync<Booking>(programme.BookingIds.ToArray(), ct))
                .Where(b => b.Status is BookingStatus.Requested or BookingStatus.Confirmed or BookingStatus.Completed)
                .Where(b => from is null || ChinaTime.DateOf(b.SessionStartsAt) >= from).ToList();
            long service = 0, collected = 0, waived = 0;
            foreach (var booking in bookings)
            {
                var q = booking.Quote.Normalized();
                var items = q.CollectedItems.Sum(i => i.AmountFen);
                service += q.FamilySharePerPupilFen;
                collected += items;
                if (hardship) waived += q.FamilySharePerPupilFen + await HardshipWaivedCollectedAsync(q, ct);
            }
            var days = bookings.Select(b => ChinaTime.DateOf(b.SessionStartsAt)).Distinct().Order().ToList();
            lines.Add(new BillLine(window.Id, programme.ProgrammeId, programme.Title, programme.ProviderName, [.. bookings.Select(b => b.Id)], days,
                service, collected, waived, hardship ? WaiverReasons.Hardship : null, now));
        }
        return lines;
    }

    /// <summary>The 代收费 per pupil of this quote that its policy waives for 家庭经济困难 pupils.</summary>
    private async Task<long> HardshipWaivedCollectedAsync(Quote q, CancellationToken ct)
    {
        if (q.Policy is not { } reference || q.CollectedItems.Count == 0) return 0;
        var policy = await store.FindAsync<FundingPolicy>(reference.PolicyId, ct);
        var terms = policy?.Revisions.FirstOrDefault(r => r.Number == reference.Revision)?.Terms;
        return terms is null ? 0 : q.CollectedItems.Where(i => terms.Allowed(i.Kind)?.WaivedForHardship == true).Sum(i => i.AmountFen);
    }
}
