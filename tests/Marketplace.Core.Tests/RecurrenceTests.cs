using Marketplace.Core.Catalog.Sessions;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class RecurrenceTests
{
    private static readonly DateTimeOffset Now = new(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);

    private static ScheduleSessionsRequest Semester(params DateOnly[] skip) => new(null, null, 30,
        new RecurrenceInput([DayOfWeek.Tuesday, DayOfWeek.Thursday], new TimeOnly(15, 40), new TimeOnly(17, 10),
            new DateOnly(2026, 9, 1), new DateOnly(2027, 1, 15), skip));

    [Fact]
    public void WeeklyRecurrence_IsInShanghaiTime_AndSkipsPublicHolidaysAndListedDates()
    {
        var slots = SessionSchedule.Expand(Semester(new DateOnly(2026, 11, 12)), Now);
        var first = slots[0];
        Assert.Equal(new DateTimeOffset(2026, 9, 1, 7, 40, 0, TimeSpan.Zero), first.Start); // 15:40 CST = 07:40 UTC
        Assert.Equal(TimeSpan.FromMinutes(90), first.End - first.Start);
        var dates = slots.Select(s => ChinaTime.DateOf(s.Start)).ToHashSet();
        Assert.DoesNotContain(new DateOnly(2026, 10, 1), dates); // National Day (Thursday)
        Assert.DoesNotContain(new DateOnly(2026, 10, 6), dates); // National Day week (Tuesday)
        Assert.DoesNotContain(new DateOnly(2026, 11, 12), dates); // listed skip date
        Assert.Contains(new DateOnly(2026, 10, 13), dates);
        Assert.All(dates, d => Assert.True(d.DayOfWeek is DayOfWeek.Tuesday or DayOfWeek.Thursday));
    }

    [Fact]
    public void HolidaysFixedByDate_AreSkippedEveryYear_AndConfiguredOnesToo()
    {
        var fridays = new ScheduleSessionsRequest(null, null, 30, new RecurrenceInput([DayOfWeek.Friday], new TimeOnly(15, 40), new TimeOnly(17, 10),
            new DateOnly(2026, 12, 1), new DateOnly(2027, 2, 28), []));
        DateOnly[] Dates(SchoolCalendar? calendar) => [.. SessionSchedule.Expand(fridays, Now, calendar).Select(s => ChinaTime.DateOf(s.Start))];

        Assert.DoesNotContain(new DateOnly(2027, 1, 1), Dates(null)); // 元旦, a Friday
        Assert.Contains(new DateOnly(2027, 2, 12), Dates(null));
        Assert.True(SchoolCalendar.TryParseRange("2027-02-06..2027-02-14", out var springFestival));
        var configured = Dates(new SchoolCalendar([springFestival]));
        Assert.DoesNotContain(new DateOnly(2027, 2, 12), configured);
        Assert.Contains(new DateOnly(2027, 2, 19), configured);
        Assert.True(new SchoolCalendar().IsPublicHoliday(new DateOnly(2030, 10, 3)));
        Assert.False(SchoolCalendar.TryParseRange("2027-02-14..2027-02-06", out _));
        Assert.False(SchoolCalendar.TryParseRange("2027-01-01..2027-06-01", out _));
        Assert.False(SchoolCalendar.TryParseRange("next week", out _));
    }

    [Fact]
    public void Recurrence_DropsPastDates()
    {
        var slots = SessionSchedule.Expand(Semester(), new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.All(slots, s => Assert.True(s.Start > new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData(0, "capacity")]
    [InlineData(1001, "capacity")]
    public void BadCapacity_IsNamed(int capacity, string field)
    {
        var r = Semester() with { Capacity = capacity };
        Assert.Contains(field, Assert.Throws<ValidationFailedException>(() => SessionSchedule.Expand(r, Now)).Errors.Keys);
    }

    [Fact]
    public void InvertedTimes_AndSingleInThePast_AreNamed()
    {
        var inverted = Semester() with { Recurrence = Semester().Recurrence! with { StartTime = new TimeOnly(17, 0), EndTime = new TimeOnly(16, 0) } };
        Assert.Contains("recurrence.endTime", Assert.Throws<ValidationFailedException>(() => SessionSchedule.Expand(inverted, Now)).Errors.Keys);
        var past = new ScheduleSessionsRequest(Now.AddDays(-1), Now.AddDays(-1).AddHours(1), 10, null);
        Assert.Contains("startsAt", Assert.Throws<ValidationFailedException>(() => SessionSchedule.Expand(past, Now)).Errors.Keys);
    }
}
