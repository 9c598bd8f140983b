using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Selection;

/// <summary>
/// The seats of one programme of one window: how many the school put in, how many are taken. First come takes them with ONE
/// conditional atomic update in the store (<c>StoreChanges.TakeSelectionSeats</c>: taken + n ≤ capacity, or the commit fails),
/// never by reading and writing this document, so two guardians can never both get the last seat.
/// </summary>
public sealed class SelectionSeats : IAggregate
{
    [JsonConstructor]
    private SelectionSeats() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid WindowId { get; private set; }
    [JsonInclude] public Guid ProgrammeId { get; private set; }
    [JsonInclude] public int Capacity { get; private set; }
    [JsonInclude] public int Taken { get; private set; }

    public int Free => Math.Max(0, Capacity - Taken);

    public static Guid IdOf(Guid windowId, Guid programmeId) => SelectionWindow.NameBased($"selection-seats:{windowId:N}:{programmeId:N}");

    public static SelectionSeats For(Guid windowId, Guid programmeId, int capacity) =>
        new() { Id = IdOf(windowId, programmeId), Version = 1, WindowId = windowId, ProgrammeId = programmeId, Capacity = capacity };
}
