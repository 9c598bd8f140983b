using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Selection;

/// <summary>
/// One per pupil, written by every commit that gives the pupil a placement (a first-come submission, a freed seat, a draw). Such a
/// commit judges overlaps against the pupil's placements in the school's other windows, which it read before; two of them at once
/// for one pupil in two windows could each miss the other's and both land. Reading this guard before those placements and writing
/// it with its version in the same commit makes the second fail its version check and decide again, seeing the first.
/// </summary>
public sealed class PlacementGuard : IAggregate
{
    [JsonConstructor]
    private PlacementGuard() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid PupilId { get; private set; }
    [JsonInclude] public DateTimeOffset PlacedAt { get; private set; }

    public static Guid IdOf(Guid pupilId) => SelectionWindow.NameBased($"placement-guard:{pupilId:N}");

    /// <summary>
    /// Writes the guard into <paramref name="changes"/>: the next version of <paramref name="read"/> (the guard as read before the
    /// pupil's placements; left as it is, so a retry that keeps its reads writes the same), or the pupil's first guard when there was
    /// none — an insert that fails (<see cref="DuplicateException"/>) if another commit made it meanwhile.
    /// </summary>
    public static void Hold(Persistence.StoreChanges changes, Guid pupilId, PlacementGuard? read, DateTimeOffset now)
    {
        if (read is null) changes.Insert(new PlacementGuard { Id = IdOf(pupilId), Version = 1, PupilId = pupilId, PlacedAt = now });
        else changes.Update(new PlacementGuard { Id = read.Id, Version = read.Version + 1, PupilId = read.PupilId, PlacedAt = now }, read.Version);
    }
}
