using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;
using static Marketplace.Core.Tests.Settlement.SettlementFixtures;

namespace Marketplace.Core.Tests.Settlement;

/// <summary>Booking's delivery rules (据实结算): the school's window to dispute, silence, the hardship count of absences, the bureau's decision.</summary>
public class DeliveryRulesTests
{
    private static readonly FundingTerms Terms = new(300, FeeUnit.PerLesson, 350, null, FeeUnit.PerLesson, null, [], DisputeDays: 3);

    /// <summary>A confirmed booking of 30 pupils (2 家庭经济困难) whose delivery the provider recorded with <paramref name="attended"/>.</summary>
    private static (Booking Booking, DateTimeOffset RecordedAt) Delivered(int attended = 27)
    {
        var quote = QuoteCalculator.Compute(1_200, 30, 2, 80, LessonStage.Primary, [], Terms, null);
        var booking = BookingWithQuote(Ids.New(), Ids.New(), 30, quote, Now.AddDays(7));
        booking.Confirm(Now.AddHours(1), "Provider:p1");
        var recordedAt = booking.SessionStartsAt.AddMinutes(90);
        booking.Complete(attended, recordedAt, "Provider:p1");
        return (booking, recordedAt);
    }

    [Fact]
    public void The_dispute_window_is_the_policy_days_from_recording()
    {
        var (booking, recordedAt) = Delivered();

        Assert.Equal(recordedAt.AddDays(3), booking.Delivery!.DisputeBy);
        Assert.Equal(DeliveryStatus.Recorded, booking.Delivery.Status);
        Assert.Equal(27, booking.Attended);
    }

    [Fact]
    public void A_dispute_after_the_window_is_refused_and_changes_nothing()
    {
        var (booking, _) = Delivered();
        var version = booking.Version;

        var e = Assert.Throws<DomainRuleException>(() =>
            booking.DisputeDelivery("只来了 20 人", 20, booking.Delivery!.DisputeBy.AddSeconds(1), "School:school1"));

        Assert.Equal("delivery-dispute-closed", e.Code);
        Assert.Equal(DeliveryStatus.Recorded, booking.Delivery!.Status);
        Assert.Equal(version, booking.Version);
    }

    [Fact]
    public void A_dispute_on_the_last_instant_of_the_window_is_taken()
    {
        var (booking, _) = Delivered();

        booking.DisputeDelivery(" 只来了 20 人 ", 20, booking.Delivery!.DisputeBy, "School:school1");

        Assert.Equal(DeliveryStatus.Disputed, booking.Delivery!.Status);
        Assert.Equal("只来了 20 人", booking.Delivery.DisputeReason);
        Assert.Equal(20, booking.Delivery.ClaimedAttended);
        Assert.False(booking.Delivery.IsSettled);
    }

    [Fact]
    public void Silence_before_the_window_closes_is_refused_and_after_it_confirms_with_no_hardship_absence()
    {
        var (booking, _) = Delivered();
        var disputeBy = booking.Delivery!.DisputeBy;

        var e = Assert.Throws<DomainRuleException>(() => booking.ConfirmDeliveryBySilence(disputeBy));
        Assert.Equal("delivery-window-open", e.Code);
        Assert.Equal(DeliveryStatus.Recorded, booking.Delivery!.Status);

        booking.ConfirmDeliveryBySilence(disputeBy.AddTicks(1));
        Assert.Equal(DeliveryStatus.Confirmed, booking.Delivery!.Status);
        Assert.Equal(0, booking.Delivery.AbsentHardship);
        Assert.Equal("system", booking.Delivery.SettledBy);
        Assert.True(booking.Delivery.IsSettled);
    }

    [Theory]
    [InlineData(29, 2)] // 1 absent: at most 1 of them can be a hardship pupil
    [InlineData(20, 3)] // 10 absent, but only 2 hardship pupils were booked
    [InlineData(20, -1)]
    public void Absent_hardship_above_the_smaller_of_hardship_and_absent_is_refused_naming_the_field(int attended, int absentHardship)
    {
        var (booking, _) = Delivered(attended);

        var e = Assert.Throws<ValidationFailedException>(() => booking.ConfirmDelivery(absentHardship, Now.AddDays(8), "School:school1"));

        Assert.Equal(["absentHardship"], e.Errors.Keys);
        Assert.Equal("delivery.absent-hardship-range", e.Errors["absentHardship"][0].Key);
        Assert.Equal(DeliveryStatus.Recorded, booking.Delivery!.Status);
    }

    [Theory]
    [InlineData(0, 1)]  // all 30 absent: only 28 paying pupils were booked, so both hardship pupils were among them
    [InlineData(0, 0)]
    [InlineData(1, 0)]  // 29 absent, 28 paying: at least 1 absent hardship pupil
    public void Absent_hardship_too_few_for_the_paying_pupils_booked_is_refused_naming_the_field(int attended, int absentHardship)
    {
        // Otherwise the settlement credits more absent paying families than were booked: the family receivable goes below zero.
        var (booking, _) = Delivered(attended);

        var e = Assert.Throws<ValidationFailedException>(() => booking.ConfirmDelivery(absentHardship, Now.AddDays(8), "School:school1"));

        Assert.Equal(["absentHardship"], e.Errors.Keys);
        Assert.Equal(DeliveryStatus.Recorded, booking.Delivery!.Status);

        booking.DisputeDelivery("人数不符", attended, Now.AddDays(8), "School:school1");
        Assert.Equal(["absentHardship"], Assert.Throws<ValidationFailedException>(() =>
            booking.ResolveDispute(attended, absentHardship, "", Now.AddDays(9), "Bureau:b1")).Errors.Keys);
        Assert.Equal(DeliveryStatus.Disputed, booking.Delivery!.Status);
    }

    [Fact]
    public void Silence_counts_as_hardship_the_absences_beyond_the_paying_pupils_booked()
    {
        var (booking, _) = Delivered(0); // nobody came: 30 absent, 28 of them paying, so 2 were hardship pupils

        booking.ConfirmDeliveryBySilence(booking.Delivery!.DisputeBy.AddSeconds(1));

        Assert.Equal(2, booking.Delivery!.AbsentHardship);
        var settlement = LedgerPostings.Settlement(PartiesOf(booking), booking.Quote, 0, booking.Delivery.AbsentHardship, Now.AddDays(20));
        Assert.Equal(-booking.Quote.FamilyFeeFen, settlement.On(Accounts.FamilyReceivable(booking.SchoolId))); // every family credited what it was charged, no more
    }

    [Fact]
    public void The_settlement_refuses_absent_hardship_out_of_range_too()
    {
        var (booking, _) = Delivered(0);
        var parties = PartiesOf(booking);

        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => LedgerPostings.Settlement(parties, booking.Quote, 0, 1, Now.AddDays(8)));  // 30 absent, ≤ 28 paying
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => LedgerPostings.Settlement(parties, booking.Quote, 27, -1, Now.AddDays(8)));
        Assert.Equal(0, LedgerPostings.Settlement(parties, booking.Quote, 0, 2, Now.AddDays(8)).Entries.Sum(e => e.AmountFen));
    }

    [Theory]
    [InlineData(29, 1)]
    [InlineData(20, 2)]
    [InlineData(30, 0)]
    public void Absent_hardship_up_to_the_smaller_of_hardship_and_absent_confirms(int attended, int absentHardship)
    {
        var (booking, _) = Delivered(attended);

        booking.ConfirmDelivery(absentHardship, Now.AddDays(8), "School:school1");

        Assert.Equal(DeliveryStatus.Confirmed, booking.Delivery!.Status);
        Assert.Equal(absentHardship, booking.Delivery.AbsentHardship);
    }

    [Fact]
    public void The_bureau_resolves_a_dispute_with_its_own_figure_checked_against_that_figure()
    {
        var (booking, _) = Delivered(30); // the provider said everyone came
        booking.DisputeDelivery("两名困难学生缺席", 28, Now.AddDays(8), "School:school1");

        // With 30 attending nobody is absent: 1 absent hardship pupil is refused for the bureau's figure too.
        var e = Assert.Throws<ValidationFailedException>(() => booking.ResolveDispute(30, 1, "", Now.AddDays(9), "Bureau:b1"));
        Assert.Equal(["absentHardship"], e.Errors.Keys);
        Assert.Equal(DeliveryStatus.Disputed, booking.Delivery!.Status);

        booking.ResolveDispute(28, 2, " 核实：28 人到场 ", Now.AddDays(9), "Bureau:b1");

        Assert.Equal(DeliveryStatus.Resolved, booking.Delivery!.Status);
        Assert.Equal(28, booking.Delivery.Attended);
        Assert.Equal(28, booking.Attended);
        Assert.Equal(2, booking.Delivery.AbsentHardship);
        Assert.Equal("核实：28 人到场", booking.Delivery.Resolution);
        Assert.True(booking.Delivery.IsSettled);
    }

    [Fact]
    public void The_bureau_resolves_only_a_disputed_delivery()
    {
        var (recorded, _) = Delivered();
        var refused = Assert.Throws<TransitionRefusedException>(() => recorded.ResolveDispute(27, 0, "", Now.AddDays(9), "Bureau:b1"));
        Assert.Equal("delivery-transition", refused.Code);
        Assert.Equal(nameof(DeliveryStatus.Recorded), refused.CurrentStatus);

        var (confirmed, _) = Delivered();
        confirmed.ConfirmDelivery(0, Now.AddDays(8), "School:school1");
        Assert.Throws<TransitionRefusedException>(() => confirmed.ResolveDispute(20, 0, "", Now.AddDays(9), "Bureau:b1"));
        Assert.Equal(27, confirmed.Delivery!.Attended);

        var (resolved, _) = Delivered();
        resolved.DisputeDelivery("人数不符", 25, Now.AddDays(8), "School:school1");
        resolved.ResolveDispute(25, 0, "", Now.AddDays(9), "Bureau:b1");
        Assert.Throws<TransitionRefusedException>(() => resolved.ResolveDispute(10, 0, "", Now.AddDays(10), "Bureau:b1"));
        Assert.Equal(25, resolved.Delivery!.Attended);

        var undelivered = BookingWithQuote(Ids.New(), Ids.New(), 30, recorded.Quote, Now.AddDays(7));
        undelivered.Confirm(Now.AddHours(1), "Provider:p1");
        Assert.Throws<TransitionRefusedException>(() => undelivered.ResolveDispute(10, 0, "", Now.AddDays(9), "Bureau:b1"));
        Assert.Null(undelivered.Delivery);
    }

    [Fact]
    public void A_disputed_delivery_is_neither_confirmed_by_the_school_nor_by_silence()
    {
        var (booking, _) = Delivered();
        booking.DisputeDelivery("人数不符", null, Now.AddDays(8), "School:school1");

        Assert.Throws<TransitionRefusedException>(() => booking.ConfirmDelivery(0, Now.AddDays(9), "School:school1"));
        Assert.Throws<TransitionRefusedException>(() => booking.ConfirmDeliveryBySilence(Now.AddDays(30)));
        Assert.Throws<TransitionRefusedException>(() => booking.DisputeDelivery("再次", null, Now.AddDays(9), "School:school1"));
        Assert.Equal(DeliveryStatus.Disputed, booking.Delivery!.Status);
    }

    [Fact]
    public void Delivery_is_recorded_only_for_a_confirmed_booking_after_its_session_started_with_attendance_in_range()
    {
        var quote = QuoteCalculator.Compute(1_200, 30, 2, 80, LessonStage.Primary, [], Terms, null);
        var booking = BookingWithQuote(Ids.New(), Ids.New(), 30, quote, Now.AddDays(7));
        Assert.Throws<TransitionRefusedException>(() => booking.Complete(30, booking.SessionStartsAt.AddHours(2), "Provider:p1")); // still requested

        booking.Confirm(Now.AddHours(1), "Provider:p1");
        Assert.Equal("booking-not-delivered",
            Assert.Throws<DomainRuleException>(() => booking.Complete(30, booking.SessionStartsAt.AddMinutes(-1), "Provider:p1")).Code);
        Assert.Equal(["attended"], Assert.Throws<ValidationFailedException>(() => booking.Complete(31, booking.SessionStartsAt.AddHours(2), "Provider:p1")).Errors.Keys);
        Assert.Equal(["claimedAttended"], Assert.Throws<ValidationFailedException>(() =>
        {
            booking.Complete(30, booking.SessionStartsAt.AddHours(2), "Provider:p1");
            booking.DisputeDelivery("x", 31, booking.SessionStartsAt.AddDays(1), "School:school1");
        }).Errors.Keys);
        Assert.Equal(DeliveryStatus.Recorded, booking.Delivery!.Status);
    }
}
