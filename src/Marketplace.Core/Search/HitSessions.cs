namespace Marketplace.Core.Search;

/// <summary>One of a hit's coming sessions, and whether it fits the query's windows (null when the query has none).</summary>
public sealed record SessionFit(Guid Id, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int FreeSeats, bool? Fits);

/// <summary>
/// What a hit says of its sessions, from the sessions the index stored with it; the same for every adapter. The next session
/// is the first meeting every session condition of the query (<see cref="OfferingQuery.Matches"/>); the upcoming ones are the
/// first <see cref="MaxUpcoming"/> in the query's range, each marked with whether it fits the windows.
/// </summary>
public static class HitSessions
{
    public const int MaxUpcoming = 5;

    public static (SessionSlot? Next, IReadOnlyList<SessionFit> Upcoming) Describe(IEnumerable<SessionSlot> sessions, OfferingQuery query)
    {
        SessionSlot? next = null;
        var upcoming = new List<SessionFit>(MaxUpcoming);
        foreach (var session in sessions.Where(query.InRange).OrderBy(s => s.StartsAt).ThenBy(s => s.Id))
        {
            var fits = SessionWindow.AnyFits(query.Windows, session.StartsAt, session.EndsAt);
            if (next is null && fits && (!query.AvailableOnly || session.FreeSeats > 0)) next = session;
            if (upcoming.Count < MaxUpcoming)
                upcoming.Add(new SessionFit(session.Id, session.StartsAt, session.EndsAt, session.FreeSeats, query.Windows is null ? null : fits));
            else if (next is not null) break;
        }
        return (next, upcoming);
    }
}
