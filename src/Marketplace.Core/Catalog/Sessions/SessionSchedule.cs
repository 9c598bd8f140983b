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
        var v = new Validator().Require(r.Capacity is >= 1 and <= 1000, "capacity", "须在 1 到 1000 之间 / must be between 1 and 1000.");
        List<(DateTimeOffset, DateTimeOffset)> slots = [];
        if (r.Recurrence is { } rec)
        {
            v.Require(r.StartsAt is null && r.EndsAt is null, "recurrence", "单场与循环只能二选一 / send either startsAt/endsAt or recurrence.")
             .Require(rec.DaysOfWeek is { Count: > 0 and <= 7 } days && days.Distinct().Count() == days.Count, "recurrence.daysOfWeek", "1–7 个不重复的星期几 / one to seven distinct weekdays.")
             .Require(rec.StartTime is not null && rec.EndTime is not null && rec.StartTime < rec.EndTime, "recurrence.endTime", "结束须晚于开始 / endTime must be after startTime.")
             .Require(rec.From is not null && rec.To is not null && rec.From <= rec.To && rec.To.Value.DayNumber - rec.From.Value.DayNumber <= 366,
                 "recurrence.to", "日期范围须有效且不超过一年 / from ≤ to, at most one year.")
             .Require(rec.From is null || ChinaTime.Supports(rec.From.Value), "recurrence.from", "年份须在 2000–2099 / a year from 2000 to 2099.")
             .Require(rec.To is null || ChinaTime.Supports(rec.To.Value), "recurrence.to", "年份须在 2000–2099 / a year from 2000 to 2099.");
            v.Count(rec.SkipDates, "recurrence.skipDates", MaxSkipDates);
            v.ThrowIfInvalid();
            var skip = (rec.SkipDates ?? []).ToHashSet();
            for (var d = rec.From!.Value; d <= rec.To!.Value; d = d.AddDays(1))
            {
                if (!rec.DaysOfWeek!.Contains(d.DayOfWeek) || skip.Contains(d) || (calendar ?? SchoolCalendar.Default).IsPublicHoliday(d)) continue;
                slots.Add((ChinaTime.FromLocal(d, rec.StartTime!.Value), ChinaTime.FromLocal(d, rec.EndTime!.Value)));
            }
            slots.RemoveAll(s => s.Item1 <= now);
            v.Require(slots.Count > 0, "recurrence", "该范围内没有未来的上课日 / the pattern yields no future sessions.")
             .Require(slots.Count <= MaxSessionsPerRequest, "recurrence", $"一次最多 {MaxSessionsPerRequest} 场 / at most {MaxSessionsPerRequest} sessions per request.");
        }
        else
        {
            v.Require(r.StartsAt is not null, "startsAt", "必填 / required (or send recurrence).")
             .Require(r.EndsAt is not null, "endsAt", "必填 / required.");
            if (r.StartsAt is { } s && r.EndsAt is { } e)
            {
                v.Require(e > s && e - s <= TimeSpan.FromHours(12), "endsAt", "须晚于开始且不超过 12 小时 / after startsAt, at most 12 hours.")
                 .Require(s > now, "startsAt", "须在未来 / must be in the future.");
                slots.Add((s.ToUniversalTime(), e.ToUniversalTime()));
            }
        }
        v.ThrowIfInvalid();
        return slots;
    }
}
