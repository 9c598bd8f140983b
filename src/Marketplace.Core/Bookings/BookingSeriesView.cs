namespace Marketplace.Core.Bookings;

public sealed record SeriesSessionView(Guid SessionId, Guid BookingId, BookingStatus Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

public sealed record UnbookedSessionView(Guid SessionId, DateTimeOffset StartsAt, string Reason, int? SeatsLeft);

/// <summary>What the series' bookings add up to now; <see cref="TotalFen"/> counts the bookings that are live or completed.</summary>
public sealed record SeriesTotals(
    int Sessions, int Requested, int Confirmed, int Completed, int Cancelled, int Declined, int Expired, int PupilSessions, long TotalFen);

/// <summary>
/// A series as clients read it: the 201 body of a series request (replayed as stored for a repeated key) and the GET answer.
/// Session states and totals come from the bookings, so one read is two queries.
/// </summary>
public sealed record BookingSeriesView(
    Guid Id, SeriesStatus Status, Guid OfferingId, Guid ProviderId, Guid SchoolId, int Pupils, IReadOnlyList<int> Grades, string? ClassName,
    string? TeacherName, string ContactName, string ContactPhone, string? Note, DateOnly From, DateOnly To, bool AllowPartial,
    IReadOnlyList<SeriesSessionView> Sessions, IReadOnlyList<UnbookedSessionView> Unbooked, SeriesTotals Totals, DateTimeOffset ExpiresAt,
    long Version, IReadOnlyList<SeriesHistoryEntry> History, string OfferingTitle, string ProviderName, string SchoolName)
{
    /// <summary>After a series cancel: the live bookings the caller could not cancel yet (a school's confirmed ones past the cut-off).</summary>
    public IReadOnlyList<KeptBooking> Kept { get; init; } = [];

    /// <summary>The plan advice given when it was requested (<see cref="PlanAdvisor"/>), as for a single booking: in the 201 answer
    /// and its replays only; never a refusal.</summary>
    public IReadOnlyList<BookingWarning> Warnings { get; init; } = [];

    /// <summary>The series with its bookings (any missing one is shown from the series alone, as requested).</summary>
    public static BookingSeriesView Of(BookingSeries s, IReadOnlyCollection<Booking> bookings)
    {
        var byId = bookings.ToDictionary(b => b.Id);
        var sessions = s.Sessions.Select(x => byId.TryGetValue(x.BookingId, out var b)
            ? new SeriesSessionView(x.SessionId, x.BookingId, b.Status, x.StartsAt, b.Snapshot?.SessionEndsAt ?? x.StartsAt)
            : new SeriesSessionView(x.SessionId, x.BookingId, BookingStatus.Requested, x.StartsAt, x.StartsAt)).ToArray();
        var live = bookings.Where(b => b.HoldsSeats || b.Status == BookingStatus.Completed).ToArray();
        var totals = new SeriesTotals(sessions.Length, Count(sessions, BookingStatus.Requested), Count(sessions, BookingStatus.Confirmed),
            Count(sessions, BookingStatus.Completed), Count(sessions, BookingStatus.Cancelled), Count(sessions, BookingStatus.Declined),
            Count(sessions, BookingStatus.Expired), live.Sum(b => b.Pupils), live.Sum(b => b.Quote.TotalFen));
        return new BookingSeriesView(s.Id, s.Status, s.OfferingId, s.ProviderId, s.SchoolId, s.Pupils, s.Grades, s.ClassName, s.TeacherName,
            s.ContactName, s.ContactPhone, s.Note, s.From, s.To, s.AllowPartial, sessions,
            s.Unbooked.Select(u => new UnbookedSessionView(u.SessionId, u.StartsAt, u.Reason, u.SeatsLeft)).ToArray(), totals, s.ExpiresAt,
            s.Version, s.History, s.Snapshot.OfferingTitle, s.Snapshot.ProviderName, s.Snapshot.SchoolName);
    }

    private static int Count(IEnumerable<SeriesSessionView> sessions, BookingStatus status) => sessions.Count(x => x.Status == status);
}
