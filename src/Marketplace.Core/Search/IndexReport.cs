namespace Marketplace.Core.Search;

/// <summary>One way the index differs from the store for one offering (and, for seats, one session).</summary>
public sealed record IndexDrift(Guid OfferingId, string Kind)
{
    /// <summary>Searchable in the store, absent from the index.</summary>
    public const string Missing = "missing";

    /// <summary>Served by the index, not searchable in the store (unknown, unpublished, paused, provider suspended).</summary>
    public const string Ghost = "ghost";

    /// <summary>The index holds another edit of the offering (<c>updatedAt</c>), or a version (outbox cursor) beyond the store's.</summary>
    public const string Version = "version";

    /// <summary>A session's free seats differ, or a future session is on one side only.</summary>
    public const string FreeSeats = "free-seats";

    public long? IndexedVersion { get; init; }
    public DateTimeOffset? StoreUpdatedAt { get; init; }
    public DateTimeOffset? IndexedUpdatedAt { get; init; }
    public Guid? SessionId { get; init; }
    public int? StoreFreeSeats { get; init; }
    public int? IndexedFreeSeats { get; init; }
}

/// <summary>The store and the index compared: whose history the index reflects, how many offerings each side holds, every drift.</summary>
public sealed record IndexReport(
    string StoreEpoch, long StoreCursor, string? IndexEpoch, long IndexCursor, string? History, int Searchable, int Indexed, IReadOnlyList<IndexDrift> Drifts)
{
    /// <summary>The index reflects the store's history and holds exactly what the store makes searchable.</summary>
    public bool InStep => History is null && Drifts.Count == 0;
}
