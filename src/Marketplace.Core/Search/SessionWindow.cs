using Marketplace.Core.Shared;

namespace Marketplace.Core.Search;

/// <summary>
/// A weekly time window a session must lie in, Beijing time: it starts on <see cref="Day"/> (any day when null), at or after
/// <see cref="StartMinute"/> and ends at or before <see cref="EndMinute"/>, both minutes after that day's midnight (a plan's
/// 周二 15:40–17:10 is (Tuesday, 940, 1030)).
/// </summary>
public sealed record SessionWindow(DayOfWeek? Day, int StartMinute, int EndMinute)
{
    /// <summary>No upper bound on the end (a window from <c>startAfter</c> or a weekday alone): any session of the day ends before it.</summary>
    public const int OpenEnd = 7 * 24 * 60;

    public bool Fits(DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        var (day, start, end) = ChinaTime.WeekSlot(startsAt, endsAt);
        return (Day is null || Day == day) && start >= StartMinute && end <= EndMinute;
    }

    public bool Fits(SessionSlot session) => Fits(session.StartsAt, session.EndsAt);

    /// <summary>Whether the session fits one of <paramref name="windows"/>; every session fits when there are none to apply (null).</summary>
    public static bool AnyFits(IReadOnlyList<SessionWindow>? windows, DateTimeOffset startsAt, DateTimeOffset endsAt) =>
        windows is null || windows.Any(w => w.Fits(startsAt, endsAt));
}
