using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.RollCall;

/// <summary>One line of the roll: a pupil of the class list and its mark (null: not marked yet).</summary>
public sealed record RollCallLine(Guid PupilId, string Name, int Grade, string ClassName, bool? Present);

/// <summary>
/// A booking's roll as its provider or school sees it: the class list (the provider's: consented pupils only, the rest a count in
/// <see cref="WithoutConsent"/>) with each pupil's mark, the counts, whether it can still be edited (the session started and the
/// delivery is not settled) and its revisions (pupil ids only).
/// </summary>
public sealed record RollCallView(
    Guid BookingId, DateTimeOffset SessionStartsAt, bool Editable, int Present, int Absent, int Unmarked, IReadOnlyList<RollCallLine> Pupils,
    int WithoutConsent, long Version, IReadOnlyList<RollRevision> Revisions);

/// <summary>One session of a guardian's child: when, what, who taught it, present or absent.</summary>
public sealed record AttendanceEntry(Guid BookingId, DateTimeOffset SessionStartsAt, string OfferingTitle, string ProviderName, bool Present);

public sealed record ChildAttendance(Guid PupilId, int Present, int Absent, IReadOnlyList<AttendanceEntry> Sessions);

public sealed class RollCallQueries(IMarketplaceStore store, TimeProvider clock)
{
    /// <summary>Sessions a guardian's attendance page lists at most (the latest).</summary>
    public const int AttendanceLimit = 200;

    public async Task<RollCallView> GetAsync(Caller caller, Guid bookingId, CancellationToken ct = default)
    {
        var booking = await RollCallAccess.BookingAsync(store, caller, bookingId, ct);
        var pupils = await RollCallAccess.PupilsAsync(store, caller, bookingId, ct);
        var assigned = (await store.FindAsync<PupilAssignment>(bookingId, ct))?.PupilIds.Count ?? 0;
        var roll = await store.FindAsync<Roll>(bookingId, ct);
        var lines = pupils.OrderBy(p => p.Grade).ThenBy(p => p.ClassName, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => new RollCallLine(p.Id, p.Name, p.Grade, p.ClassName, roll?.PresentOf(p.Id))).ToList();
        var editable = clock.GetUtcNow() >= booking.SessionStartsAt && booking.Delivery is not { IsSettled: true }
            && booking.Status is BookingStatus.Confirmed or BookingStatus.Completed;
        return new RollCallView(booking.Id, booking.SessionStartsAt, editable, lines.Count(l => l.Present == true), lines.Count(l => l.Present == false),
            lines.Count(l => l.Present is null), lines, caller.Role == Role.Provider ? assigned - pupils.Count : 0, roll?.Version ?? 0, roll?.Revisions ?? []);
    }

    /// <summary>A guardian's own child's attendance, latest session first (another's child: 404).</summary>
    public async Task<ChildAttendance> AttendanceAsync(Caller caller, Guid pupilId, CancellationToken ct = default)
    {
        var pupil = await PupilAccess.OwnChildAsync(store, caller, pupilId, ct);
        var rolls = await store.ListRollsOfPupilAsync(pupil.Id, AttendanceLimit, ct);
        var bookings = (await store.FindManyAsync<Booking>(rolls.Select(r => r.Id).ToArray(), ct)).ToDictionary(b => b.Id);
        var sessions = rolls.Where(r => r.PresentOf(pupil.Id) is not null).Select(r => new AttendanceEntry(r.Id, r.SessionStartsAt,
            bookings.GetValueOrDefault(r.Id)?.Snapshot?.OfferingTitle ?? "", bookings.GetValueOrDefault(r.Id)?.Snapshot?.ProviderName ?? "",
            r.PresentOf(pupil.Id)!.Value)).ToList();
        return new ChildAttendance(pupil.Id, sessions.Count(s => s.Present), sessions.Count(s => !s.Present), sessions);
    }
}
