using System.Text.Json.Serialization;
using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Selection;

/// <summary>
/// A window's lottery as run (id = the window's): the exact input given to <see cref="AllocationEngine"/> (pupil ids, grades, flags,
/// choices, times; no names) with the revealed seed, and its result with the audit. Anyone who may read it re-runs
/// <see cref="AllocationEngine.Verify"/> on <see cref="Request"/> and <see cref="Result"/>.
/// </summary>
public sealed class SelectionDraw : IAggregate
{
    [JsonConstructor]
    private SelectionDraw() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public DateTimeOffset DrawnAt { get; private set; }
    [JsonInclude] public AllocationRequest Request { get; private set; } = null!;
    [JsonInclude] public AllocationResult Result { get; private set; } = null!;

    public static SelectionDraw Of(SelectionWindow window, AllocationRequest request, AllocationResult result, DateTimeOffset now) =>
        new() { Id = window.Id, Version = 1, SchoolId = window.SchoolId, DrawnAt = now, Request = request, Result = result };
}
