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
