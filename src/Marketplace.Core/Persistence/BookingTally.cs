using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;

namespace Marketplace.Core.Persistence;

/// <summary>
/// The bookings of any of <see cref="Districts"/> whose session starts in [<see cref="StartsFrom"/>, <see cref="StartsBefore"/>), counted by the store
/// (the coverage report, issue 16). <see cref="OverdueBefore"/>: a Confirmed booking whose session started before it counts as overdue
/// (never recorded as delivered).
/// </summary>
public sealed record BookingTallyFilter(IReadOnlyCollection<string> Districts, DateTimeOffset StartsFrom, DateTimeOffset StartsBefore, DateTimeOffset OverdueBefore);

/// <summary>
/// One group of the bookings of a district and the same school, provider, category, mode, status, delivery status and lowest grade
/// (<see cref="FirstGrade"/>, from the booking's sorted grades): how many, the pupils their deliveries recorded (the bureau's figure
/// once resolved) summed and at most, how many deliveries recorded none, and how many are Confirmed but overdue. Category and mode
/// are the booking's snapshot of its offering (null on bookings stored before the snapshot kept them).
/// </summary>
public sealed record BookingTally(
    string District, Guid SchoolId, Guid ProviderId, Category? Category, DeliveryMode? Mode, BookingStatus Status, DeliveryStatus? Delivery,
    int? FirstGrade, long Bookings, long Attended, int MaxAttended, long NoneAttended, long Overdue);

/// <summary>
/// The coverage report's reading of the tallies (<see cref="BookingTally"/>) of a span, rolled up by the store into what the figures
/// need: per district, provider, mode and status the counts of the provider's rates and the delivery mix, and per district, school,
/// category and lowest grade the delivered bookings and the largest attendance — a city's semester in tens of thousands of rows
/// where its groups number in the hundreds of thousands. <see cref="Of"/> is the definition; the stores compute the same.
/// </summary>
public sealed record BookingRollup(IReadOnlyList<ProviderRollup> Providers, IReadOnlyList<SchoolRollup> Schools)
{
    /// <summary>
    /// Delivered: completed with a delivery recorded, confirmed or resolved (not one under dispute); of those, the bookings that
    /// recorded at least one pupil count as delivered sessions.
    /// </summary>
    public static bool IsDelivered(BookingStatus status, DeliveryStatus? delivery) =>
        status == BookingStatus.Completed && delivery is DeliveryStatus.Recorded or DeliveryStatus.Confirmed or DeliveryStatus.Resolved;

    public static BookingRollup Of(IEnumerable<BookingTally> tallies)
    {
        var list = tallies as IReadOnlyCollection<BookingTally> ?? tallies.ToList();
        var providers = list
            .GroupBy(t => (t.District, t.ProviderId, t.Mode, t.Status, Delivered: IsDelivered(t.Status, t.Delivery)))
            .Select(g => new ProviderRollup(g.Key.District, g.Key.ProviderId, g.Key.Mode, g.Key.Status, g.Key.Delivered,
                g.Sum(t => t.Bookings), g.Sum(t => t.NoneAttended), g.Sum(t => t.Overdue)))
            .ToList();
        var schools = list.Where(t => IsDelivered(t.Status, t.Delivery))
            .GroupBy(t => (t.District, t.SchoolId, t.Category, t.FirstGrade))
            .Select(g => new SchoolRollup(g.Key.District, g.Key.SchoolId, g.Key.Category, g.Key.FirstGrade,
                g.Sum(t => t.Bookings - t.NoneAttended), g.Max(t => t.MaxAttended)))
            .ToList();
        return new BookingRollup(providers, schools).Ordered();
    }

    /// <summary>Both lists in the order of their keys (a store may answer in any), so that two rollups compare row by row.</summary>
    public BookingRollup Ordered() => new(
        Providers.OrderBy(r => r.District, StringComparer.Ordinal).ThenBy(r => r.ProviderId).ThenBy(r => r.Mode).ThenBy(r => r.Status).ThenBy(r => r.Delivered).ToList(),
        Schools.OrderBy(r => r.District, StringComparer.Ordinal).ThenBy(r => r.SchoolId).ThenBy(r => r.Category).ThenBy(r => r.FirstGrade).ToList());

    public bool Equals(BookingRollup? other) =>
        other is not null && Providers.SequenceEqual(other.Providers) && Schools.SequenceEqual(other.Schools);

    public override int GetHashCode() => HashCode.Combine(Providers.Count, Schools.Count);
}

/// <summary>
/// A district's bookings of one provider in one mode and status, delivered (<see cref="BookingRollup.IsDelivered"/>) or not: how many,
/// how many recorded nobody attending, how many are Confirmed but overdue.
/// </summary>
public sealed record ProviderRollup(string District, Guid ProviderId, DeliveryMode? Mode, BookingStatus Status, bool Delivered,
    long Bookings, long NoneAttended, long Overdue);

/// <summary>
/// A district's delivered bookings (<see cref="BookingRollup.IsDelivered"/>) of one school, category and lowest grade: how many
/// recorded at least one pupil, and the largest number of pupils one of them recorded.
/// </summary>
public sealed record SchoolRollup(string District, Guid SchoolId, Category? Category, int? FirstGrade, long Delivered, int MaxAttended);
