using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.RollCall;

/// <summary>One pupil's mark as the caller sends it.</summary>
public sealed record RollMarkInput(Guid? PupilId, bool? Present);

/// <summary>
/// Taking and editing a roll call. The marks sent are set (the others keep theirs, so the provider's teacher and a 巡课 teacher
/// marking different pupils at once both land); each save that changes something is one revision. The roll and its booking are
/// one commit: the booking's <see cref="Booking.RollPresent"/> (and a recorded delivery's attendance) follows the roll, so the
/// settlement rests on it (据实结算).
/// </summary>
public sealed class RollCallCommands(IMarketplaceStore store, TimeProvider clock)
{
    public async Task<Roll> MarkAsync(Caller caller, Guid bookingId, IReadOnlyList<RollMarkInput>? marks, CancellationToken ct = default)
    {
        if (caller.Role == Role.Provider)
        {
            // Like every provider action on a booking: the booking first, then its standing in the booking's district (a suspended
            // provider is refused whatever it sends), then the input.
            var own = await RollCallAccess.BookingAsync(store, caller, bookingId, ct);
            (await store.FindAsync<Catalog.Provider>(own.ProviderId, ct) ?? throw new NotFoundException("provider", own.ProviderId)).EnsureMayActIn(own.DistrictCode);
        }
        var v = new Validator();
        if (marks is null or { Count: 0 }) v.Add("marks", new("validation.required"));
        else if (v.Count(marks, "marks", PupilAssignment.MaxPupils))
        {
            for (var i = 0; i < marks.Count; i++)
            {
                v.Require(marks[i]?.PupilId is not null, $"marks[{i}].pupilId", new("validation.required"));
                v.Require(marks[i]?.Present is not null, $"marks[{i}].present", new("validation.required"));
            }
            if (v.IsValid && marks.Select(m => m.PupilId).Distinct().Count() != marks.Count) v.Add("marks", new("pupils.repeated"));
        }
        v.ThrowIfInvalid();

        return await ConcurrentChange.RetryAsync(async () =>
        {
            var booking = await RollCallAccess.BookingAsync(store, caller, bookingId, ct);
            var allowed = (await RollCallAccess.PupilsAsync(store, caller, bookingId, ct)).Select(p => p.Id).ToHashSet();
            var bad = new Validator();
            for (var i = 0; i < marks!.Count; i++)
                if (!allowed.Contains(marks[i].PupilId!.Value)) bad.Add($"marks[{i}].pupilId", new("rollcall.not-on-list"));
            bad.ThrowIfInvalid();

            var now = clock.GetUtcNow();
            var side = RollCallAccess.SideOf(caller);
            var roll = await store.FindAsync<Roll>(bookingId, ct);
            var isNew = roll is null;
            roll ??= Roll.For(booking.Id, booking.SchoolId, booking.ProviderId, booking.DistrictCode, booking.SessionStartsAt, now);
            var expectedRoll = roll.Version;
            var expectedBooking = booking.Version;
            // The booking's rules first (session started, delivery not settled), even when nothing changes.
            booking.EnsureRollOpen(now);
            if (!roll.Mark([.. marks.Select(m => (m.PupilId!.Value, m.Present!.Value))], now, caller.AuditName, side)) return roll;
            booking.RecordRoll(roll.Present, now);
            var changes = new StoreChanges();
            if (isNew) changes.Insert(roll); else changes.Update(roll, expectedRoll);
            changes.Update(booking, expectedBooking).Publish(RollCallEvents.Changed(roll, side, now));
            try
            {
                await store.CommitAsync(changes, ct);
            }
            catch (DuplicateException) when (isNew)
            {
                // The other side took the first marks at the same moment: decide again on its roll.
                throw new ConcurrencyConflictException("roll-call", bookingId);
            }
            return roll;
        });
    }
}
