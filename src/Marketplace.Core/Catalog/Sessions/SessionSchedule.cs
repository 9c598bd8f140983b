using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Sessions;

/// <summary>A weekly pattern in Asia/Shanghai local time, e.g. every Tue/Thu 15:40–17:10 over a semester.</summary>
public sealed record RecurrenceInput(IReadOnlyList<DayOfWeek>? DaysOfWeek, TimeOnly? StartTime, TimeOnly? EndTime, DateOnly? From, DateOnly? To, IReadOnlyList<DateOnly>? SkipDates);

/// <summary>Either StartsAt/EndsAt for one session, or Recurrence for many; Capacity always.</summary>
public sealed record ScheduleSessionsRequest(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? Capacity, RecurrenceInput? Recurrence);

/// <summary>Turns a request into the slots it asks for: one session, or a weekly pattern over a date range without holidays.</summary>
public static class SessionSchedule
{
    public const int MaxSessionsPerRequest = 400;
    public const int MaxSkipDates = 366; // a range covers at most 366 days, so a real list never reaches this

    public static List<(DateTimeOffset Start, DateTimeOffset End)> Expand(ScheduleSessionsRequest r, DateTimeOffset now, SchoolCalendar? calendar = null)
    {
        var v = new Validator().Require(r.Capacity is >= 1 and <= 1000, "capacity", new("validation.range", 1, 1000));
        List<(DateTimeOffset, DateTimeOffset)> slots = [];
        if (r.Recurrence is { } rec)
        {
            v.Require(r.StartsAt is null && r.EndsAt is null, "recurrence", new("schedule.single-or-recurrence"))
             .Require(rec.DaysOfWeek is { Count: > 0 and <= 7 } days && days.Distinct().Count() == days.Count, "recurrence.daysOfWeek", new("schedule.days-of-week"))
             .Require(rec.StartTime is not null && rec.EndTime is not null && rec.StartTime < rec.EndTime, "recurrence.endTime", new("schedule.end-after-start"))
             .Require(rec.From is not null && rec.To is not null && rec.From <= rec.To && rec.To.Value.DayNumber - rec.From.Value.DayNumber <= 366,
                 "recurrence.to", new("schedule.date-range"))
             .Require(rec.From is null || ChinaTime.Supports(rec.From.Value), "recurrence.from", new("validation.year-range"))
             .Require(rec.To is null || ChinaTime.Supports(rec.To.Value), "recurrence.to", new("validation.year-range"));
            v.Count(rec.SkipDates, "recurrence.skipDates", MaxSkipDates);
            v.ThrowIfInvalid();
            var skip = (rec.SkipDates ?? []).ToHashSet();
            for (var d = rec.From!.Value; d <= rec.To!.Value; d = d.AddDays(1))
            {
                if (!rec.DaysOfWeek!.Contains(d.DayOfWeek) || skip.Contains(d) || (calendar ?? SchoolCalendar.Default).IsPublicHoliday(d)) continue;
                slots.Add((ChinaTime.FromLocal(d, rec.StartTime!.Value), ChinaTime.FromLocal(d, rec.EndTime!.Value)));
            }
            slots.RemoveAll(s => s.Item1 <= now);
            v.Require(slots.Count > 0, "recurrence", new("schedule.no-future-dates"))
             .Require(slots.Count <= MaxSessionsPerRequest, "recurrence", new("schedule.max-sessions", MaxSessionsPerRequest));
        }
        else
        {
            v.Require(r.StartsAt is not null, "startsAt", new("schedule.starts-at-required"))
             .Require(r.EndsAt is not null, "endsAt", new("validation.required"));
            if (r.StartsAt is { } s && r.EndsAt is { } e)
            {
                v.Require(e > s && e - s <= TimeSpan.FromHours(12), "endsAt", new("schedule.ends-at", 12))
                 .Require(s > now, "startsAt", new("validation.future"));
                // A holiday has no after-school service; a make-up working day (调休) does, and the session says so (calendarNote).
                if (ChinaTime.Supports(DateOnly.FromDateTime(s.UtcDateTime)) && (calendar ?? SchoolCalendar.Default).IsPublicHoliday(ChinaTime.DateOf(s)))
                    v.Add("startsAt", new("schedule.holiday", ChinaTime.DateOf(s).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
                slots.Add((s.ToUniversalTime(), e.ToUniversalTime()));
            }
        }
        v.ThrowIfInvalid();
        return slots;
    }
}
