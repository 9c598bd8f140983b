namespace Marketplace.Core.Search;

/// <summary>
/// The store history an index reflects: the store epoch (<see cref="Persistence.IStoreEpoch"/>) it was rebuilt from — null
/// when unknown (an index built before epochs existed, or never filled) — and the highest outbox cursor written into it (a
/// document's version or a removal's).
/// </summary>
public sealed record IndexWatermark(string? Epoch, long Cursor)
{
    /// <summary>Why an index cannot serve a store at <paramref name="storeEpoch"/> whose newest cursor is
    /// <paramref name="storeCursor"/>, or null when it can: <c>other-epoch</c> (built from another history, or of none known) or
    /// <c>ahead</c> (written beyond the store's outbox: it holds offerings of a history the store does not have, and would ignore
    /// versioned writes below its own).</summary>
    public string? MismatchWith(string storeEpoch, long storeCursor) =>
        Epoch != storeEpoch ? OtherEpoch : Cursor > storeCursor ? Ahead : null;

    public const string OtherEpoch = "other-epoch", Ahead = "ahead";
}

/// <summary>What verification reads back of one offering the index serves.</summary>
public sealed record IndexedOffering(Guid Id, long Version, DateTimeOffset UpdatedAt, IReadOnlyList<SessionSlot> Sessions);
