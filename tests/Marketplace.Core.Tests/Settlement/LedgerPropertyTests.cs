using System.Text;
using CsCheck;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using static Marketplace.Core.Tests.Settlement.SettlementFixtures;

namespace Marketplace.Core.Tests.Settlement;

/// <summary>
/// Property-style tests of the money model (issue 15, Verify) with CsCheck: random funding policies and random sequences of bookings
/// and series, deliveries with partial attendance, disputes the bureau decides, cancellations and part payments, driven through the
/// real Booking and Payment methods and posted as the application commits them (BookingLedger, Payment.Posting) into an
/// in-memory ledger that refuses a second transaction with the same id, as the store does. After every step and at the end the
/// books must balance, every quote must add up, and no provider may be owed for a lesson that was not delivered.
/// </summary>
public class LedgerPropertyTests
{
    private static readonly Gen<CollectedFeeRule[]> FeeRules =
        Gen.Select(Gen.Enum<CollectedFeeKind>(), Gen.Long[0, 3_000], Gen.Bool, (kind, max, waived) => new CollectedFeeRule(kind, max, waived))
            .Array[0, 4].Select(rules => rules.DistinctBy(r => r.Kind).ToArray());

    /// <summary>A district's terms in any unit, or (one time in eight) no policy at all.</summary>
    private static readonly Gen<FundingTerms?> Policies =
        Gen.Frequency(
            (1, Gen.Const((FundingTerms?)null)),
            (7, Gen.Select(Gen.Enum<FeeUnit>(), Gen.Int[0, 1_000], Gen.Enum<FeeUnit>(), Gen.Int[0, 1_000].Nullable(0.2), Gen.Int[0, 1_000].Nullable(0.6),
                FeeRules, Gen.Int[0, 3], Gen.Int[1, 14],
                (subsidyUnit, subsidy, capUnit, cap, juniorCap, fees, uncredited, disputeDays) => (FundingTerms?)new FundingTerms(
                    Scale(subsidy, subsidyUnit), subsidyUnit, cap is { } c ? 150 + Scale(c, capUnit) : null, juniorCap is { } j ? 150 + Scale(j, capUnit) : null,
                    capUnit, null, fees, uncredited, disputeDays))));

    // Per 课时: 0 … ¥10; per month or semester: 0 … ¥300.
    private static long Scale(int amount, FeeUnit unit) => unit == FeeUnit.PerLesson ? amount : amount * 30L;

    private static readonly Gen<(FundingTerms? Terms, int[] Choices)> Scenarios = Gen.Select(Policies, Gen.Int[0, int.MaxValue].Array[0, 600]);

    [Fact]
    public void Random_bookings_series_deliveries_disputes_cancellations_and_payments_keep_the_books_balanced() =>
        Scenarios.Sample((terms, choices) => new Run(terms, choices).Play(), iter: 300);

    [Fact]
    public void Posting_the_same_business_event_again_yields_the_same_transaction_id()
    {
        Gen.Select(Gen.Guid, Gen.Int[1, 60], Gen.Int[0, 5_000]).Sample((bookingId, pupils, price) =>
        {
            var parties = new BookingParties(bookingId, Guid.NewGuid(), Guid.NewGuid(), DistrictCode, pupils);
            var quote = QuoteCalculator.Compute(price, pupils, 0, 80, LessonStage.Primary, [], null, null);
            var first = LedgerPostings.Commitment(parties, quote, Now);
            var retry = LedgerPostings.Commitment(parties, quote, Now.AddMinutes(5)); // a retry, later
            Assert.Equal(first.Id, retry.Id);
            Assert.Equal(LedgerTransaction.IdOf($"commitment:{bookingId:N}"), first.Id);
            Assert.Equal(LedgerTransaction.IdOf($"settlement:{bookingId:N}"), LedgerPostings.Settlement(parties, quote, pupils, 0, Now).Id);
            Assert.Equal(LedgerTransaction.IdOf($"cancellation:{bookingId:N}"), LedgerPostings.Cancellation(parties, quote, Now).Id);
            Assert.Equal(first.Id, LedgerPostings.Cancellation(parties, quote, Now).Reverses);
            // Different events of one booking never share an id.
            Assert.Equal(3, new[] { first.Id, LedgerPostings.Settlement(parties, quote, pupils, 0, Now).Id, LedgerPostings.Cancellation(parties, quote, Now).Id }.Distinct().Count());
        });
    }

    /// <summary>One scenario: a deterministic interpreter of a stream of choices (an exhausted stream chooses the smallest option, so CsCheck shrinks towards simple runs).</summary>
    private sealed class Run(FundingTerms? terms, int[] choices)
    {
        private readonly Dictionary<Guid, LedgerTransaction> _ledger = []; // the store: one transaction per id
        private readonly List<LedgerTransaction> _posted = [];            // in posting order
        private readonly Dictionary<string, long> _running = new(StringComparer.Ordinal);
        private readonly List<Booking> _bookings = [];
        private readonly List<Payment> _payments = [];
        private readonly Guid[] _schools = [Ids.New(), Ids.New()];
        private readonly Guid[] _providers = [Ids.New(), Ids.New(), Ids.New()];
        private readonly StringBuilder _log = new();
        private int _next;

        private int Pick(int lo, int hi) => _next >= choices.Length || hi <= lo ? lo : lo + (int)((uint)choices[_next++] % (uint)(hi - lo + 1));

        private bool Chance(int percent) => Pick(0, 99) < percent;

        public void Play()
        {
            try
            {
                _log.AppendLine($"terms: {Describe(terms)}");
                var steps = Pick(1, 12);
                for (var i = 0; i < steps; i++)
                {
                    if (Pick(0, 3) == 0) PaySomething();
                    else Book(series: Chance(35));
                    CheckBooks();
                }
                foreach (var b in _bookings) Sync(b);
                CheckBooks();
                CheckBookings();
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"{e.Message}\n--- run ---\n{_log}", e);
            }
        }

        /// <summary>A single booking or a series of sessions in one month sharing the group's per-month/semester allowance and cap.</summary>
        private void Book(bool series)
        {
            var school = _schools[Pick(0, _schools.Length - 1)];
            var provider = _providers[Pick(0, _providers.Length - 1)];
            var pupils = Pick(1, 60);
            var hardship = Pick(0, pupils);
            if (Chance(40)) hardship = Math.Min(hardship, Pick(0, 3)); // mostly few hardship pupils
            int[] grades = Chance(30) ? [Pick(7, 9), Pick(7, 9)] : [Pick(1, 9), Pick(1, 6)];
            var stage = QuoteCalculator.StageOf(grades);
            var minutes = Pick(5, 150);
            var price = (long)Pick(0, 3_000);
            CollectedFee[] fees = [.. Enumerable.Range(0, Pick(0, 3)).Select(_ => new CollectedFee((CollectedFeeKind)Pick(0, 4), Pick(0, 4_000)))];
            var sessions = series ? Pick(2, 5) : 1;
            var monthStart = new DateTimeOffset(2026, Pick(9, 12), 1, 7, 30, 0, TimeSpan.Zero);

            long? allowanceLeft = terms is { SubsidyUnit: not FeeUnit.PerLesson } ? Pick(0, (int)terms.SubsidyFen) : null;
            var capInPeriod = terms is { FamilyCapUnit: not FeeUnit.PerLesson } && terms.FamilyCapFor(stage) is not null;
            long paidSoFar = capInPeriod ? Pick(0, (int)terms!.FamilyCapFor(stage)!.Value) : 0;
            var (subsidyAtStart, paidAtStart) = (allowanceLeft, paidSoFar);
            _log.AppendLine($"book {(series ? $"series×{sessions}" : "single")}: n={pupils} h={hardship} {stage} {minutes}min P={price} fees=[{string.Join(",", fees.Select(f => $"{f.Kind}:{f.AmountFen}"))}] allowanceLeft={allowanceLeft} paidSoFar={paidSoFar}");

            var legacy = Chance(8); // a booking without a split quote (stored before it): price × pupils, all of it the families'
            for (var s = 0; s < sessions; s++)
            {
                if (legacy)
                {
                    var stored = BookingWithoutQuote(school, provider, pupils, price, monthStart.AddDays(7 * s + 2), grades);
                    _bookings.Add(stored);
                    _log.AppendLine($"  session {s}: no split quote, total={stored.Quote.TotalFen}");
                    Drive(stored);
                    continue;
                }
                Quote quote;
                try
                {
                    quote = QuoteCalculator.Compute(price, pupils, hardship, minutes, stage, fees, terms, null, allowanceLeft, paidSoFar);
                }
                catch (FamilyCapExceededException e)
                {
                    // Refused only when the share really is above what the cap leaves: the same quote without a cap says so.
                    var uncapped = QuoteCalculator.Compute(price, pupils, hardship, minutes, stage, fees,
                        terms! with { FamilyCapFen = null, FamilyCapJuniorFen = null }, null, allowanceLeft, paidSoFar);
                    var limit = terms.FamilyCapUnit == FeeUnit.PerLesson
                        ? terms.FamilyCapFor(stage)!.Value * QuoteCalculator.LessonHalves(minutes, stage) / 2
                        : terms.FamilyCapFor(stage)!.Value - paidSoFar;
                    Assert.Equal(uncapped.FamilySharePerPupilFen, e.ShareFen);
                    Assert.True(e.ShareFen > limit, $"refused a share of {e.ShareFen} within the limit {limit}");
                    Assert.Equal(terms.FamilyCapFor(stage), e.CapFen);
                    _log.AppendLine($"  session {s}: refused, share {e.ShareFen} > {limit}");
                    continue;
                }
                CheckQuote(quote, price, pupils, hardship, minutes, stage, allowanceLeft, paidSoFar);
                if (allowanceLeft is not null) allowanceLeft -= quote.SubsidyPerPupilFen;
                if (capInPeriod) paidSoFar += quote.FamilySharePerPupilFen;

                var startsAt = series ? monthStart.AddDays(7 * s + 2) : monthStart.AddDays(Pick(3, 25));
                var booking = BookingWithQuote(school, provider, pupils, quote, startsAt, grades, now: Now);
                _bookings.Add(booking);
                _log.AppendLine($"  session {s}: quote total={quote.TotalFen} subsidy={quote.SubsidyFen} family={quote.FamilyFeeFen} waived={quote.WaivedFen} collected={quote.CollectedFeesFen}");
                Drive(booking);
            }

            // A series never spends more than the group's allowance, nor charges more than the period cap.
            if (subsidyAtStart is not null) Assert.InRange(allowanceLeft!.Value, 0, subsidyAtStart.Value);
            if (capInPeriod) Assert.InRange(paidSoFar, paidAtStart, terms!.FamilyCapFor(stage)!.Value);
        }

        private void CheckQuote(Quote q, long price, int pupils, int hardship, int minutes, LessonStage stage, long? allowanceLeft, long paidSoFar)
        {
            Assert.Equal(q.TotalFen, q.SubsidyFen + q.FamilyFeeFen + q.WaivedFen + q.CollectedFeesFen);
            Assert.Equal(price, q.UnitPriceFen);
            Assert.Equal(pupils * price, q.TotalFen - q.CollectedItems.Sum(i => i.AmountFen) * pupils); // lesson fee n × P, plus every pupil's 代收费
            Assert.Equal(price, q.SubsidyPerPupilFen + q.FamilySharePerPupilFen);
            Assert.InRange(q.SubsidyPerPupilFen, 0, price);
            Assert.Equal(pupils * q.SubsidyPerPupilFen, q.SubsidyFen);
            Assert.Equal((pupils - hardship) * q.FamilySharePerPupilFen, q.FamilyFeeFen);
            Assert.Equal(hardship, q.Hardship);
            if (terms is null)
            {
                Assert.Equal(0, q.SubsidyFen);
                Assert.Empty(q.CollectedItems);
                return;
            }
            var halves = QuoteCalculator.LessonHalves(minutes, stage);
            var allowance = terms.SubsidyUnit == FeeUnit.PerLesson ? terms.SubsidyFen * halves / 2 : Math.Max(0, allowanceLeft!.Value);
            Assert.Equal(Math.Min(price, allowance), q.SubsidyPerPupilFen);
            if (terms.FamilyCapFor(stage) is { } cap)
                Assert.True(q.FamilySharePerPupilFen <= (terms.FamilyCapUnit == FeeUnit.PerLesson ? cap * halves / 2 : cap - paidSoFar));
            foreach (var line in q.CollectedItems)
                Assert.True(terms.Allowed(line.Kind) is { } rule && line.AmountFen <= rule.MaxFen, $"{line} not allowed or above the policy's max");
            Assert.Equal(terms.UncreditedAbsences, q.UncreditedAbsences);
            Assert.Equal(terms.DisputeDays, q.DisputeDays);
        }

        /// <summary>One booking's life, through Booking's own methods; refused steps must leave it as it was.</summary>
        private void Drive(Booking b)
        {
            switch (Pick(0, 9))
            {
                case 0:
                    Do(b, "decline", () => b.Decline("满员", Now.AddHours(2), "Provider:p"));
                    return;
                case 1:
                    Refused(b, "confirm after expiry", () => b.Confirm(b.ExpiresAt, "Provider:p"));
                    Do(b, "expire", () => b.Expire(b.ExpiresAt));
                    return;
                case 2:
                    Do(b, "school withdraws the request", () => b.CancelBySchool(null, Now.AddHours(1), "School:s"));
                    return;
            }
            Do(b, "confirm", () => b.Confirm(Now.AddHours(1), "Provider:p"));
            switch (Pick(0, 7))
            {
                case 0:
                    Do(b, "school cancels", () => b.CancelBySchool("改期", b.CancelBefore.AddMinutes(-Pick(1, 600)), "School:s"));
                    return;
                case 1:
                    Refused(b, "school cancels after the cut-off", () => b.CancelBySchool("改期", b.CancelBefore.AddMinutes(Pick(0, 600)), "School:s"));
                    Do(b, "provider cancels", () => b.CancelByProvider("教练生病", b.SessionStartsAt.AddHours(-1), "Provider:p"));
                    return;
                case 2:
                    return; // confirmed, never delivered
            }

            Refused(b, "record before the session", () => b.Complete(b.Pupils, b.SessionStartsAt.AddMinutes(-Pick(1, 600)), "Provider:p"));
            var attended = Chance(30) ? b.Pupils : Pick(0, b.Pupils);
            var recordedAt = b.SessionStartsAt.AddMinutes(Pick(30, 600));
            Do(b, $"record {attended} attended", () => b.Complete(attended, recordedAt, "Provider:p"));
            var disputeBy = recordedAt.AddDays(b.Quote.DisputeDays); // the policy's window, as the quote fixed it
            Assert.Equal(disputeBy, b.Delivery!.DisputeBy);

            switch (Pick(0, 4))
            {
                case 0: // the school confirms, naming how many absent pupils were hardship ones
                    ConfirmWithHardship(b, attended, (n, at) => b.ConfirmDelivery(n, at, "School:s"), recordedAt.AddHours(Pick(0, 24 * b.Quote.DisputeDays)));
                    return;
                case 1: // silence
                    var at = recordedAt.AddHours(Pick(0, 24 * (b.Quote.DisputeDays + 3)));
                    if (at <= disputeBy) Refused(b, "silence inside the window", () => b.ConfirmDeliveryBySilence(at));
                    else Silence(b, at);
                    return;
                case 2:
                    return; // recorded, not yet answered
            }

            var disputeAt = recordedAt.AddHours(Pick(0, 24 * (b.Quote.DisputeDays + 3)));
            if (disputeAt > disputeBy)
            {
                Refused(b, "dispute after the window", () => b.DisputeDelivery("人数不符", null, disputeAt, "School:s"));
                Silence(b, disputeAt);
                return;
            }
            Do(b, "dispute", () => b.DisputeDelivery("人数不符", Pick(0, b.Pupils), disputeAt, "School:s"));
            Refused(b, "confirm a disputed delivery", () => b.ConfirmDelivery(0, disputeAt, "School:s"));
            if (Chance(25)) return; // disputed, the bureau has not decided
            var decided = Pick(0, b.Pupils);
            ConfirmWithHardship(b, decided, (n, when) => b.ResolveDispute(decided, n, "核实", when, "Bureau:b"), disputeAt.AddDays(1));
            Refused(b, "resolve twice", () => b.ResolveDispute(decided, 0, "再议", disputeAt.AddDays(2), "Bureau:b"));
        }

        private void ConfirmWithHardship(Booking b, int attended, Action<int, DateTimeOffset> settle, DateTimeOffset at)
        {
            var most = Math.Min(b.Quote.Hardship, b.Pupils - attended);
            var least = Math.Max(0, b.Pupils - attended - (b.Pupils - b.Quote.Hardship)); // absences beyond the paying pupils booked
            var absentHardship = Pick(0, most + 1);
            if (absentHardship > most || absentHardship < least)
            {
                var e = Refused(b, $"absent hardship {absentHardship} outside {least}–{most}", () => settle(absentHardship, at));
                Assert.Equal(["absentHardship"], Assert.IsType<ValidationFailedException>(e).Errors.Keys);
                absentHardship = Pick(least, most);
            }
            Do(b, $"settle: {attended} attended, {absentHardship} absent hardship", () => settle(absentHardship, at), settles: true);
            Assert.True(b.Delivery!.IsSettled);
            Assert.Equal(attended, b.Delivery.Attended);
            Assert.Equal(absentHardship, b.Delivery.AbsentHardship);
        }

        private void Silence(Booking b, DateTimeOffset at)
        {
            Do(b, "silence confirms", () => b.ConfirmDeliveryBySilence(at), settles: true);
            var absent = b.Pupils - b.Delivery!.Attended;
            Assert.Equal(DeliveryStatus.Confirmed, b.Delivery.Status);
            Assert.Equal(Math.Max(0, absent - (b.Pupils - b.Quote.Hardship)), b.Delivery.AbsentHardship); // only the absences that must be hardship ones
        }

        /// <summary>
        /// A step and its commit as the application makes it: BookingLedger adds the transaction the change causes (Post for a status
        /// change, Settle for a delivery confirmed or decided); sometimes the commit is retried and the store refuses the same keys.
        /// </summary>
        private void Do(Booking b, string what, Action step, bool settles = false)
        {
            _log.AppendLine($"    {what}");
            var old = b.Status;
            step();
            Commit(b, old, settles);
            if (Chance(20)) Commit(b, old, settles);
            Sync(b);
        }

        private void Commit(Booking b, BookingStatus old, bool settles)
        {
            var changes = new StoreChanges();
            if (settles) BookingLedger.Settle(changes, b, Now);
            else BookingLedger.Post(changes, b, old, Now);
            foreach (var write in changes.Writes) Post(Assert.IsType<LedgerTransaction>(write.Document));
        }

        private Exception Refused(Booking b, string what, Action step)
        {
            _log.AppendLine($"    {what} (refused)");
            var (version, status, delivery, attended) = (b.Version, b.Status, b.Delivery, b.Attended);
            var e = Assert.ThrowsAny<Exception>(step);
            Assert.True(e is DomainRuleException or ValidationFailedException, $"{what}: {e.GetType().Name} {e.Message}");
            Assert.Equal((version, status, delivery, attended), (b.Version, b.Status, b.Delivery, b.Attended));
            return e;
        }

        /// <summary>
        /// The booking's ledger is exactly what its state says: its commitment once confirmed, its cancellation once cancelled after
        /// confirming, its settlement once settled — each posted by the commits so far, with the lines the state gives.
        /// </summary>
        private void Sync(Booking b)
        {
            var parties = PartiesOf(b);
            var wasConfirmed = b.History.Any(h => h.Status == BookingStatus.Confirmed);
            List<LedgerTransaction> expected = [];
            if (wasConfirmed) expected.Add(LedgerPostings.Commitment(parties, b.Quote, Now));
            if (wasConfirmed && b.Status == BookingStatus.Cancelled) expected.Add(LedgerPostings.Cancellation(parties, b.Quote, Now));
            if (b.Delivery is { IsSettled: true } d) expected.Add(LedgerPostings.Settlement(parties, b.Quote, d.Attended, d.AbsentHardship, d.SettledAt!.Value));
            expected.RemoveAll(t => t.IsEmpty);
            var posted = _posted.Where(t => t.BookingId == b.Id).ToList();
            Assert.Equal(expected.Select(t => t.BusinessKey).Order(StringComparer.Ordinal), posted.Select(t => t.BusinessKey).Order(StringComparer.Ordinal));
            foreach (var t in expected) Assert.Equal(t.Entries, _ledger[t.Id].Entries);
        }

        /// <summary>Insert as the store does: a second transaction with the same id (business key) is refused and changes nothing.</summary>
        private void Post(LedgerTransaction tx)
        {
            Assert.Equal(LedgerTransaction.IdOf(tx.BusinessKey), tx.Id);
            Assert.Equal(0, tx.Entries.Sum(e => e.AmountFen));
            if (_ledger.TryGetValue(tx.Id, out var existing))
            {
                Assert.Equal(existing.BusinessKey, tx.BusinessKey);
                Assert.Equal(existing.Entries, tx.Entries); // a retry computes the very same lines
                return;
            }
            if (tx.IsEmpty) return;
            _ledger.Add(tx.Id, tx);
            _posted.Add(tx);
            foreach (var e in tx.Entries) _running[e.Account] = _running.GetValueOrDefault(e.Account) + e.AmountFen;
        }

        /// <summary>The school pays part of what it owes one provider (offline or through a gateway that may fail or answer twice).</summary>
        private void PaySomething()
        {
            var owing = (from s in _schools from p in _providers
                         let due = -_running.GetValueOrDefault(Accounts.ProviderPayable(p, s))
                         where due > 0 select (s, p, due)).ToList();
            if (owing.Count == 0) return;
            var (school, provider, owed) = owing[Pick(0, owing.Count - 1)];
            var amount = Pick(1, (int)Math.Min(owed, int.MaxValue));
            var payment = Payment.Start(Ids.New(), school, provider, DistrictCode, amount, "2026-10", Chance(50) ? "offline" : "stripe", $"pay-{Ids.New():N}", Now, "School:s");
            _payments.Add(payment);
            var fails = Chance(20);
            _log.AppendLine($"pay {amount} of {owed}{(fails ? " (fails)" : "")}");
            var succeeded = payment.Apply(fails ? PaymentState.Failed : PaymentState.Succeeded, "ref-1", fails ? "card_declined" : null, Now.AddDays(40));
            Assert.Equal(!fails, succeeded);
            if (succeeded) Post(payment.Posting(Now.AddDays(40)));
            // A replayed gateway answer moves nothing; a retried posting is the same transaction.
            Assert.False(payment.Apply(PaymentState.Succeeded, "ref-2", null, Now.AddDays(41)));
            if (payment.State == PaymentState.Succeeded)
            {
                Assert.Equal(LedgerTransaction.IdOf($"payment:{payment.Id:N}"), payment.Posting(Now.AddDays(42)).Id);
                Post(payment.Posting(Now.AddDays(42)));
            }
        }

        private void CheckBooks()
        {
            foreach (var tx in _posted) Assert.Equal(0, tx.Entries.Sum(e => e.AmountFen));
            var perTransaction = FoldPerTransaction(_posted);
            var perAccount = FoldPerAccount(_posted);
            AssertSameBalances(perTransaction, perAccount);
            AssertSameBalances(perAccount, _running);
            Assert.Equal(0, perAccount.Values.Sum()); // trial balance

            foreach (var provider in _providers)
                foreach (var school in _schools)
                {
                    var settled = _bookings.Where(b => b.ProviderId == provider && b.SchoolId == school && b.Delivery is { IsSettled: true }).ToList();
                    var earned = settled.Sum(b => b.Delivery!.Attended * b.Quote.UnitPriceFen);
                    var credited = -_posted.Where(t => t.Kind != LedgerKind.Payment).Sum(t => t.On(Accounts.ProviderPayable(provider, school)));
                    var paid = _payments.Where(p => p.ProviderId == provider && p.SchoolId == school && p.State == PaymentState.Succeeded).Sum(p => p.AmountFen);
                    Assert.True(credited <= earned, $"provider credited {credited} > Σ attended × price {earned}");
                    Assert.Equal(earned, credited);
                    Assert.Equal(paid - earned, perAccount.GetValueOrDefault(Accounts.ProviderPayable(provider, school)));
                    Assert.True(paid <= earned, "paid more than delivered");
                }
        }

        private static void AssertSameBalances(Dictionary<string, long> a, Dictionary<string, long> b)
        {
            if (a.Count != b.Count) Assert.Fail($"{a.Count} accounts vs {b.Count}");
            foreach (var (account, balance) in a)
                if (!b.TryGetValue(account, out var other) || other != balance) Assert.Fail($"{account}: {balance} vs {other}");
        }

        private void CheckBookings()
        {
            foreach (var b in _bookings)
            {
                var txs = _posted.Where(t => t.BookingId == b.Id).ToList();
                var clearing = txs.Sum(t => t.On(Accounts.Clearing(b.SchoolId)));
                var payable = txs.Sum(t => t.On(Accounts.ProviderPayable(b.ProviderId, b.SchoolId)));
                var confirmed = b.History.Any(h => h.Status == BookingStatus.Confirmed);
                var q = b.Quote.Normalized();
                if (!confirmed || q.TotalFen == 0)
                {
                    Assert.Empty(txs); // never confirmed (or nothing to move): nothing posted
                    continue;
                }
                Assert.Single(txs, t => t.Kind == LedgerKind.Commitment);
                if (b.Delivery is { IsSettled: true } d)
                {
                    // Settled: clearing back to zero, the provider owed exactly attended × price, every party's share where it belongs.
                    Assert.Equal(0, clearing);
                    Assert.Equal(-(d.Attended * q.UnitPriceFen), payable);
                    var perPupilCollected = q.CollectedItems.Sum(i => i.AmountFen);
                    Assert.Equal(-(d.Attended * perPupilCollected), txs.Sum(t => t.On(Accounts.CollectedPayable(b.SchoolId))));
                    var absent = b.Pupils - d.Attended;
                    var creditedAbsent = absent - Math.Min(absent, q.UncreditedAbsences);
                    Assert.Equal((b.Pupils - creditedAbsent) * q.SubsidyPerPupilFen, txs.Sum(t => t.On(Accounts.BureauSubsidy(b.DistrictCode))));
                    var familyNet = txs.Sum(t => t.On(Accounts.FamilyReceivable(b.SchoolId)));
                    Assert.InRange(familyNet, 0, q.FamilyFeeFen + q.CollectedFeesFen);
                    if (d.AbsentHardship == 0 && q.UncreditedAbsences == 0)
                        Assert.Equal(q.FamilyFeeFen + q.CollectedFeesFen - absent * (q.FamilySharePerPupilFen + perPupilCollected), familyNet);
                }
                else if (b.Status == BookingStatus.Cancelled)
                {
                    Assert.Equal(0, clearing);
                    Assert.Equal(0, payable);
                    Assert.All([Accounts.BureauSubsidy(b.DistrictCode), Accounts.FamilyReceivable(b.SchoolId), Accounts.SchoolFund(b.SchoolId)],
                        account => Assert.Equal(0, txs.Sum(t => t.On(account))));
                }
                else
                {
                    // Confirmed, recorded, or disputed and not decided: the total waits in clearing, the provider is owed nothing.
                    Assert.Equal(-q.TotalFen, clearing);
                    Assert.Equal(0, payable);
                    Assert.DoesNotContain(txs, t => t.Kind == LedgerKind.Settlement);
                }
            }
        }

        private static string Describe(FundingTerms? t) => t is null ? "no policy" :
            $"S={t.SubsidyFen}/{t.SubsidyUnit} F={t.FamilyCapFen}(junior {t.FamilyCapJuniorFen})/{t.FamilyCapUnit} uncredited={t.UncreditedAbsences} days={t.DisputeDays} fees=[{string.Join(",", t.CollectedFees.Select(r => $"{r.Kind}≤{r.MaxFen}{(r.WaivedForHardship ? " waived" : "")}"))}]";
    }
}
