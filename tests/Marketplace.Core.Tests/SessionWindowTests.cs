using Marketplace.Core.Search;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class SessionWindowTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>周二 15:40–17:10, as a school plan writes it.</summary>
    private static readonly SessionWindow Tuesday = new(DayOfWeek.Tuesday, 15 * 60 + 40, 17 * 60 + 10);

    private static SessionSlot Slot(int day, int hour, int minute, int minutes, int free = 5)
    {
        var start = new DateTimeOffset(2026, 9, day, hour, minute, 0, Beijing); // 2026-09-01 is a Tuesday
        return new SessionSlot(Guid.CreateVersion7(), start.ToUniversalTime(), start.AddMinutes(minutes).ToUniversalTime(), free);
    }

    [Theory]
    [InlineData(1, 15, 40, 90, true)]    // exactly the window
    [InlineData(1, 16, 0, 60, true)]     // inside it
    [InlineData(1, 15, 30, 90, false)]   // starts before it
    [InlineData(1, 16, 0, 90, false)]    // ends after it (17:30)
    [InlineData(2, 15, 40, 90, false)]   // a Wednesday
    [InlineData(8, 15, 40, 90, true)]    // the next Tuesday
    public void Fits_TheBeijingWeekdayStartAndEnd(int day, int hour, int minute, int minutes, bool fits) =>
        Assert.Equal(fits, Tuesday.Fits(Slot(day, hour, minute, minutes)));

    /// <summary>The weekday and minutes are Beijing's, not UTC's: 00:30 Wednesday in Beijing is still Tuesday 16:30 in UTC.</summary>
    [Fact]
    public void Fits_ReadsTheBeijingDay_NotTheUtcDay()
    {
        var early = Slot(2, 0, 30, 60);
        Assert.Equal(DayOfWeek.Tuesday, early.StartsAt.UtcDateTime.DayOfWeek);
        Assert.False(new SessionWindow(DayOfWeek.Tuesday, 0, SessionWindow.OpenEnd).Fits(early));
        Assert.True(new SessionWindow(DayOfWeek.Wednesday, 0, 90).Fits(early));
    }

    [Fact]
    public void WeekSlot_IsTheStartDay_AndMinutesAfterItsMidnight_EvenForAnEndNextDay()
    {
        var late = Slot(1, 23, 0, 120);
        Assert.Equal((DayOfWeek.Tuesday, 23 * 60, 25 * 60), ChinaTime.WeekSlot(late.StartsAt, late.EndsAt));
        Assert.False(new SessionWindow(null, 0, 24 * 60).Fits(late));
        Assert.True(new SessionWindow(null, 0, SessionWindow.OpenEnd).Fits(late));
    }

    [Fact]
    public void AnyFits_NoWindowsIsNoCondition_AnEmptyListFitsNothing()
    {
        var s = Slot(1, 15, 40, 90);
        Assert.True(SessionWindow.AnyFits(null, s.StartsAt, s.EndsAt));
        Assert.False(SessionWindow.AnyFits([], s.StartsAt, s.EndsAt));
        Assert.True(SessionWindow.AnyFits([new SessionWindow(DayOfWeek.Monday, 0, 600), Tuesday], s.StartsAt, s.EndsAt));
    }

    /// <summary>nextSession: the first session meeting range, windows and seats at once; upcoming: the range's first five, each with its fit.</summary>
    [Fact]
    public void HitSessions_NextIsTheFirstMeetingEveryCondition_UpcomingListsTheRange()
    {
        var now = new DateTimeOffset(2026, 8, 31, 12, 0, 0, Beijing);
        var past = Slot(1, 15, 40, 90) with { StartsAt = now.AddDays(-1), EndsAt = now.AddDays(-1).AddHours(1) };
        var fullTuesday = Slot(1, 15, 40, 90, free: 0);
        var wednesday = Slot(2, 15, 40, 90);
        var openTuesday = Slot(8, 15, 40, 90);
        var sessions = new[] { openTuesday, past, wednesday, fullTuesday };
        var query = new OfferingQuery(Now: now, AvailableOnly: true) { Windows = [Tuesday] };

        var (next, upcoming) = HitSessions.Describe(sessions, query);

        Assert.Equal(openTuesday, next);
        Assert.Equal([fullTuesday.Id, wednesday.Id, openTuesday.Id], upcoming.Select(u => u.Id));
        Assert.Equal([true, false, true], upcoming.Select(u => u.Fits));

        var (fromNext, _) = HitSessions.Describe(sessions, new OfferingQuery(Now: now, From: wednesday.StartsAt));
        Assert.Equal(wednesday, fromNext);
        var (none, noneUpcoming) = HitSessions.Describe(sessions, new OfferingQuery(Now: now, To: fullTuesday.StartsAt));
        Assert.Null(none);
        Assert.Empty(noneUpcoming);
        var (_, plain) = HitSessions.Describe(Enumerable.Range(0, 9).Select(d => Slot(1 + d, 16, 0, 60)), new OfferingQuery(Now: now));
        Assert.Equal(HitSessions.MaxUpcoming, plain.Count);
        Assert.All(plain, u => Assert.Null(u.Fits));
    }
}
