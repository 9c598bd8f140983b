using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Sessions;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests.Catalog;

/// <summary>Holidays and make-up working days (调休): 2026 built in (DOMAIN.md), later years only from configuration.</summary>
public class SchoolCalendarTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-01-04")]
    [InlineData("2026-02-14")]
    [InlineData("2026-02-28")]
    [InlineData("2026-05-09")]
    [InlineData("2026-09-20")]
    [InlineData("2026-10-10")]
    public void The2026MakeupWorkdays_AreBuiltIn_AndAreSchoolDays(string day)
    {
        var date = DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(SchoolCalendar.Default.IsMakeupWorkday(date));
        Assert.False(SchoolCalendar.Default.IsPublicHoliday(date));
        Assert.Equal(SchoolCalendar.MakeupWorkdayNote, SchoolCalendar.Default.NoteFor(date));
    }

    [Fact]
    public void NoLaterYear_IsBuiltIn_ConfiguredDaysAreAdded()
    {
        // Test dates only: the real 2027 schedule comes from the State Council's notice, entered in configuration.
        var makeup = new DateOnly(2027, 2, 20);
        Assert.False(SchoolCalendar.Default.IsMakeupWorkday(makeup));
        var configured = new SchoolCalendar([(new DateOnly(2027, 2, 8), new DateOnly(2027, 2, 12))], [makeup]);
        Assert.True(configured.IsMakeupWorkday(makeup));
        Assert.True(configured.IsPublicHoliday(new DateOnly(2027, 2, 10)));
        Assert.Equal(SchoolCalendar.HolidayNote, configured.NoteFor(new DateOnly(2027, 2, 10)));
        Assert.Null(configured.NoteFor(new DateOnly(2027, 2, 15)));
    }

    [Fact]
    public void ASingleSession_OnAHoliday_IsRefusedNamingStartsAt_OnAMakeupWorkday_Accepted()
    {
        var onHoliday = new ScheduleSessionsRequest(ChinaTime.FromLocal(new DateOnly(2026, 10, 2), new TimeOnly(15, 40)),
            ChinaTime.FromLocal(new DateOnly(2026, 10, 2), new TimeOnly(17, 10)), 30, null);
        var e = Assert.Throws<ValidationFailedException>(() => SessionSchedule.Expand(onHoliday, Now));
        Assert.Equal(["startsAt"], e.Errors.Keys);
        Assert.Equal(("schedule.holiday", "2026-10-02"), (e.Errors["startsAt"][0].Key, e.Errors["startsAt"][0].Args[0]));

        var onMakeupDay = onHoliday with
        {
            StartsAt = ChinaTime.FromLocal(new DateOnly(2026, 10, 10), new TimeOnly(15, 40)), EndsAt = ChinaTime.FromLocal(new DateOnly(2026, 10, 10), new TimeOnly(17, 10)),
        };
        Assert.Single(SessionSchedule.Expand(onMakeupDay, Now));
    }

    [Fact]
    public void AConfiguredHoliday_RefusesASingleSession_ThatTheBuiltInCalendarAccepts()
    {
        var day = new DateOnly(2027, 2, 10);
        var request = new ScheduleSessionsRequest(ChinaTime.FromLocal(day, new TimeOnly(15, 40)), ChinaTime.FromLocal(day, new TimeOnly(17, 10)), 30, null);
        Assert.Single(SessionSchedule.Expand(request, Now));
        Assert.Throws<ValidationFailedException>(() => SessionSchedule.Expand(request, Now, new SchoolCalendar([(day, day)])));
    }

    [Fact]
    public void Recurrences_StillSkipHolidays_AndKeepTheirWeekdays()
    {
        var saturdays = new ScheduleSessionsRequest(null, null, 30, new RecurrenceInput([DayOfWeek.Saturday], new TimeOnly(9, 0), new TimeOnly(10, 30),
            new DateOnly(2026, 9, 1), new DateOnly(2026, 10, 31), []));
        var dates = SessionSchedule.Expand(saturdays, Now).Select(s => ChinaTime.DateOf(s.Start)).ToList();
        Assert.DoesNotContain(new DateOnly(2026, 10, 3), dates); // 国庆
        Assert.Contains(new DateOnly(2026, 10, 10), dates);      // a 调休 Saturday is a school day
        Assert.DoesNotContain(new DateOnly(2026, 9, 20), dates); // a 调休 Sunday: not a Saturday
    }
}
