using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>
/// Settlement by delivery (据实结算). The provider records delivery with attendance (<see cref="BookingCommands.CompleteAsync"/>);
/// then the school confirms it, or disputes it within the policy's days (silence confirms: <see cref="ConfirmOverdueAsync"/>), and
/// the district's bureau decides a dispute. A confirmed or decided delivery is posted to the ledger in the same commit
/// (<see cref="BookingLedger.Settle"/>): the provider is owed only for the pupils who attended.
/// </summary>
public sealed class DeliveryCommands(IMarketplaceStore store, BookingQueries queries, TimeProvider clock)
{
    /// <summary>The school confirms; <paramref name="absentHardship"/>: how many absent pupils were 家庭经济困难 (default: as few as can be).</summary>
    public Task<Booking> ConfirmAsync(Caller caller, Guid id, int? absentHardship, CancellationToken ct = default) =>
        ChangeAsync(caller, id, Role.School, (b, now) => b.ConfirmDelivery(absentHardship, now, caller.AuditName), settles: true, ct);

    public Task<Booking> DisputeAsync(Caller caller, Guid id, string? reason, int? claimedAttended, CancellationToken ct = default) =>
        ChangeAsync(caller, id, Role.School, (b, now) =>
        {
            new Validator().Text(reason, "reason", 500, multiline: true).ThrowIfInvalid();
            b.DisputeDelivery(reason!, claimedAttended, now, caller.AuditName);
        }, settles: false, ct);

    /// <summary>The bureau of the booking's district decides how many attended, with a note both sides see.</summary>
    public Task<Booking> ResolveAsync(Caller caller, Guid id, int? attended, int? absentHardship, string? note, CancellationToken ct = default) =>
        ChangeAsync(caller, id, Role.Bureau, (b, now) =>
        {
            new Validator().Require(attended is not null, "attended", new("booking.attended-required")).Text(note, "note", 500, multiline: true).ThrowIfInvalid();
            b.ResolveDispute(attended!.Value, absentHardship, note!, now, caller.AuditName);
        }, settles: true, ct);

    /// <summary>Confirms deliveries whose dispute window ended unanswered (silence confirms). Returns how many.</summary>
    public async Task<int> ConfirmOverdueAsync(CancellationToken ct = default)
    {
        var due = await store.ListDeliveriesDueAsync(clock.GetUtcNow(), 200, ct);
        var confirmed = 0;
        foreach (var found in due)
        {
            confirmed += await ConcurrentChange.RetryAsync(async () =>
            {
                var booking = await store.FindAsync<Booking>(found.Id, ct);
                var now = clock.GetUtcNow();
                // The school may have answered meanwhile: its answer stands.
                if (booking is not { Delivery: { Status: DeliveryStatus.Recorded } delivery } || delivery.DisputeBy >= now) return 0;
                var expected = booking.Version;
                booking.ConfirmDeliveryBySilence(now);
                await store.CommitAsync(await BookingLedger.SettleAsync(store,
                    new StoreChanges().Update(booking, expected).Publish(BookingEvents.Changed(booking, BookingStatus.Completed, now)), booking, now, ct), ct);
                return 1;
            });
        }
        return confirmed;
    }

    private Task<Booking> ChangeAsync(Caller caller, Guid id, Role role, Action<Booking, DateTimeOffset> change, bool settles, CancellationToken ct) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var booking = await queries.GetAsync(caller, id, ct);
            var allowed = role == Role.School
                ? caller.Role == Role.School && caller.OrganizationId == booking.SchoolId
                : caller.IsBureauOf(booking.DistrictCode);
            if (!allowed) throw new ForbiddenException(role == Role.School ? "forbidden.delivery-school" : "forbidden.delivery-bureau");
            var now = clock.GetUtcNow();
            var expected = booking.Version;
            change(booking, now);
            var changes = new StoreChanges().Update(booking, expected).Publish(BookingEvents.Changed(booking, BookingStatus.Completed, now));
            if (settles) await BookingLedger.SettleAsync(store, changes, booking, now, ct);
            await store.CommitAsync(changes, ct);
            return booking;
        });
}
