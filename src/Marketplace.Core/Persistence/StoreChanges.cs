using Marketplace.Core.Catalog;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Persistence;

/// <summary>One unit of work for <see cref="IMarketplaceStore.CommitAsync"/>; applied all-or-nothing.</summary>
public sealed class StoreChanges
{
    private readonly List<DocumentWrite> _writes = [];
    private readonly List<SeatChange> _seats = [];
    private readonly List<OutboxMessage> _events = [];
    private readonly List<District> _districts = [];
    private readonly List<SelectionSeatChange> _selectionSeats = [];

    public IReadOnlyList<DocumentWrite> Writes => _writes;
    public IReadOnlyList<SeatChange> Seats => _seats;
    public IReadOnlyList<OutboxMessage> Events => _events;
    public IReadOnlyList<District> Districts => _districts;
    public IReadOnlyList<SelectionSeatChange> SelectionSeats => _selectionSeats;
    public IdempotencyRecord? Idempotency { get; private set; }

    public bool IsEmpty => _writes.Count == 0 && _seats.Count == 0 && _events.Count == 0 && _districts.Count == 0 && _selectionSeats.Count == 0
        && Idempotency is null;

    public StoreChanges Insert(IAggregate document)
    {
        _writes.Add(new DocumentWrite(WriteKind.Insert, document, 0));
        return this;
    }

    /// <summary>Replaces the stored document only if its version is still <paramref name="expectedVersion"/>.</summary>
    public StoreChanges Update(IAggregate document, long expectedVersion)
    {
        _writes.Add(new DocumentWrite(WriteKind.Update, document, expectedVersion));
        return this;
    }

    public StoreChanges Delete(IAggregate document, long expectedVersion)
    {
        _writes.Add(new DocumentWrite(WriteKind.Delete, document, expectedVersion));
        return this;
    }

    /// <summary>ONE conditional atomic update: reserved + seats ≤ capacity on a scheduled session, or the commit fails.</summary>
    public StoreChanges ReserveSeats(Guid sessionId, int seats)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seats);
        _seats.Add(new SeatChange(sessionId, seats));
        return this;
    }

    public StoreChanges ReleaseSeats(Guid sessionId, int seats)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seats);
        _seats.Add(new SeatChange(sessionId, -seats));
        return this;
    }

    /// <summary>
    /// ONE conditional atomic update of a selection window's programme seats (<see cref="Families.Selection.SelectionSeats"/>):
    /// taken + n ≤ capacity, or the commit fails with <see cref="SelectionSeatsUnavailableException"/>.
    /// </summary>
    public StoreChanges TakeSelectionSeats(Guid seatsId, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        _selectionSeats.Add(new SelectionSeatChange(seatsId, n));
        return this;
    }

    /// <summary>Gives selection seats back (a withdrawal or a rejection); never below zero.</summary>
    public StoreChanges ReturnSelectionSeats(Guid seatsId, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        _selectionSeats.Add(new SelectionSeatChange(seatsId, -n));
        return this;
    }

    public StoreChanges Publish(OutboxMessage message)
    {
        _events.Add(message);
        return this;
    }

    public StoreChanges Remember(IdempotencyRecord record)
    {
        Idempotency = record;
        return this;
    }

    public StoreChanges PutDistrict(District district)
    {
        _districts.Add(district);
        return this;
    }
}

public enum WriteKind { Insert, Update, Delete }

public sealed record DocumentWrite(WriteKind Kind, IAggregate Document, long ExpectedVersion);

/// <summary>Positive = reserve (conditional on capacity), negative = release (never below zero).</summary>
public sealed record SeatChange(Guid SessionId, int Delta);

/// <summary>Positive = take (conditional on capacity), negative = give back (never below zero); of one <see cref="Families.Selection.SelectionSeats"/>.</summary>
public sealed record SelectionSeatChange(Guid SeatsId, int Delta);

/// <summary>Thrown by the store when a selection seat take does not fit: the programme is full (someone took the last seat first).</summary>
public sealed class SelectionSeatsUnavailableException(Guid seatsId) : DomainRuleException("selection-seats-unavailable")
{
    public Guid SeatsId { get; } = seatsId;
}
