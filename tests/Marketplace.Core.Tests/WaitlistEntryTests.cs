using Marketplace.Core.Bookings;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class WaitlistEntryTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 7, 40, 0, TimeSpan.Zero);

    private static WaitlistEntry Entry() => WaitlistEntry.Join(new WaitlistJoinFacts(
        Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "110105", 4, [4, 3, 3], " 王老师 ", "13800002222", "  "), Now, "School:x");

    [Fact]
    public void Join_WaitsWithTheActiveKey_AndKnowsItsOwnGroup()
    {
        var e = Entry();
        Assert.Equal((WaitlistStatus.Waiting, 1L, "王老师", (string?)null), (e.Status, e.Version, e.ContactName, e.Note));
        Assert.Equal([3, 4], e.Grades);
        Assert.Equal(WaitlistEntry.ActiveKeyOf(e.SessionId, e.SchoolId), e.ActiveKey);
        Assert.True(e.SameGroup(4, [4, 3], "王老师", "13800002222", null));
        Assert.False(e.SameGroup(5, [3, 4], "王老师", "13800002222", null));
    }

    [Fact]
    public void Hold_ThenAccept_BeforeHeldUntil_KeepsTheBooking_AndFreesTheKey()
    {
        var e = Entry();
        e.Hold(Now.AddHours(12), Now);
        Assert.True(e.HoldsSeats);
        var booking = Guid.NewGuid();
        e.Accept(booking, Now.AddHours(1), "School:x");
        Assert.Equal((WaitlistStatus.Accepted, booking, (string?)null, false), (e.Status, e.BookingId, e.ActiveKey, e.HoldsSeats));
        Assert.Equal(["Waiting", "Held", "Accepted"], e.History.Select(h => h.Status.ToString()));
        Assert.Equal(WaitlistCauses.SeatsFreed, e.History[1].Cause);
    }

    [Fact]
    public void Accept_AtOrAfterHeldUntil_OrLapsed_IsHoldExpired()
    {
        var e = Entry();
        e.Hold(Now.AddHours(1), Now);
        Assert.Equal("waitlist-hold-expired", Assert.Throws<DomainRuleException>(() => e.Accept(Guid.NewGuid(), Now.AddHours(1), "School:x")).Code);
        e.Lapse(Now.AddHours(1));
        Assert.Equal("waitlist-hold-expired", Assert.Throws<DomainRuleException>(() => e.Accept(Guid.NewGuid(), Now, "School:x")).Code);
        Assert.Null(e.ActiveKey);
    }

    [Fact]
    public void OnlyLiveEntries_Leave_OrAreCancelled_AndOnlyWaitingOnesAreHeld()
    {
        var waiting = Entry();
        Assert.Equal("waitlist-transition", Assert.Throws<TransitionRefusedException>(() => waiting.Lapse(Now)).Code);
        Assert.Equal("waitlist-transition", Assert.Throws<TransitionRefusedException>(() => waiting.Accept(Guid.NewGuid(), Now, "School:x")).Code);
        waiting.Leave(Now, "School:x");
        Assert.Throws<TransitionRefusedException>(() => waiting.Hold(Now.AddHours(1), Now));
        Assert.Throws<TransitionRefusedException>(() => waiting.Cancel(Now, "Provider:y", WaitlistCauses.SessionCancelled));
        var held = Entry();
        held.Hold(Now.AddHours(1), Now);
        held.Cancel(Now, "Provider:y", WaitlistCauses.SessionCancelled);
        Assert.Equal((WaitlistStatus.Cancelled, (string?)null), (held.Status, held.ActiveKey));
    }
}
