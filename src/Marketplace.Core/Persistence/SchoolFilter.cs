using Marketplace.Core.Bookings;
using Marketplace.Core.Schools;

namespace Marketplace.Core.Persistence;

/// <summary>
/// Schools of any of <see cref="Districts"/>, oldest id first; optionally of one stored <see cref="Stage"/>, and with
/// <see cref="NoBookingSince"/> only those without a Requested, Confirmed or Completed booking whose session starts at or after
/// that instant. <see cref="After"/>: only ids after it — the next page.
/// </summary>
public sealed record SchoolFilter(
    IReadOnlyCollection<string> Districts, SchoolStage? Stage = null, DateTimeOffset? NoBookingSince = null, int Limit = 500, Guid? After = null)
{
    /// <summary>The booking statuses that count as "booked" for <see cref="NoBookingSince"/> (declined, cancelled and expired do not).</summary>
    public static readonly IReadOnlyList<BookingStatus> BookedStatuses = [BookingStatus.Requested, BookingStatus.Confirmed, BookingStatus.Completed];
}
