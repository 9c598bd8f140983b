using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families;

/// <summary>
/// Which of the school's pupils go on one booking (its id is the booking's): the record a provider's class list reads. The school
/// names them today; the selection window (issue 18's next part) fills the same record from the guardians' choices.
/// </summary>
public sealed class PupilAssignment : IAggregate
{
    public const int MaxPupils = 500;

    [JsonConstructor]
    private PupilAssignment() { }

    /// <summary>The booking's id.</summary>
    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public Guid ProviderId { get; private set; }
    [JsonInclude] public IReadOnlyList<Guid> PupilIds { get; private set; } = [];
    [JsonInclude] public DateTimeOffset UpdatedAt { get; private set; }

    public static PupilAssignment For(Guid bookingId, Guid schoolId, Guid providerId) =>
        new() { Id = bookingId, SchoolId = schoolId, ProviderId = providerId };

    public void Set(IReadOnlyList<Guid> pupilIds, DateTimeOffset now)
    {
        PupilIds = [.. pupilIds.Distinct()];
        UpdatedAt = now;
        Version++;
    }
}
