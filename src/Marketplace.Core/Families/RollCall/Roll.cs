using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.RollCall;

/// <summary>One pupil's mark: present or absent, who marked it and when.</summary>
public sealed record RollMark(Guid PupilId, bool Present, DateTimeOffset At, string By);

/// <summary>One change of a mark (<see cref="Was"/> null: the pupil was not marked before).</summary>
public sealed record RollChange(Guid PupilId, bool? Was, bool Now);

/// <summary>One save of the roll: who (the provider's teacher or the school's 巡课 teacher: <see cref="Side"/>), when, what changed.</summary>
public sealed record RollRevision(DateTimeOffset At, string By, string Side, IReadOnlyList<RollChange> Changes);

/// <summary>
/// The roll call (点名) of one booking's session: present or absent per pupil of the booking's <see cref="PupilAssignment"/>, taken
/// by the provider's teacher or the school's 巡课 teacher, editable until the delivery is settled, every change kept in
/// <see cref="Revisions"/>. Its id is the booking's. <see cref="PresentPupilIds"/> is stored for the participation count
/// (distinct present pupils per school and semester, counted by the store).
/// </summary>
public sealed class Roll : IAggregate
{
    public const string ProviderSide = "provider";
    public const string SchoolSide = "school";

    [JsonConstructor]
    private Roll() { }

    /// <summary>The booking's id.</summary>
    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public Guid ProviderId { get; private set; }
    [JsonInclude] public string DistrictCode { get; private set; } = "";
    [JsonInclude] public DateTimeOffset SessionStartsAt { get; private set; }
    [JsonInclude] public IReadOnlyList<RollMark> Marks { get; private set; } = [];
    [JsonInclude] public IReadOnlyList<Guid> PresentPupilIds { get; private set; } = [];
    [JsonInclude] public IReadOnlyList<RollRevision> Revisions { get; private set; } = [];
    [JsonInclude] public DateTimeOffset TakenAt { get; private set; }
    [JsonInclude] public DateTimeOffset UpdatedAt { get; private set; }

    public int Present => PresentPupilIds.Count;

    public static Roll For(Guid bookingId, Guid schoolId, Guid providerId, string districtCode, DateTimeOffset sessionStartsAt, DateTimeOffset now) =>
        new() { Id = bookingId, SchoolId = schoolId, ProviderId = providerId, DistrictCode = districtCode, SessionStartsAt = sessionStartsAt.ToUniversalTime(), TakenAt = now };

    /// <summary>Sets the given pupils' marks (the others keep theirs); false when nothing changed (no revision, no new version).</summary>
    public bool Mark(IReadOnlyList<(Guid PupilId, bool Present)> marks, DateTimeOffset now, string by, string side)
    {
        var current = Marks.ToDictionary(m => m.PupilId);
        var changes = new List<RollChange>();
        foreach (var (pupilId, present) in marks)
        {
            var was = current.TryGetValue(pupilId, out var old) ? old.Present : (bool?)null;
            if (was == present) continue;
            changes.Add(new RollChange(pupilId, was, present));
            current[pupilId] = new RollMark(pupilId, present, now, by);
        }
        if (changes.Count == 0) return false;
        Marks = [.. current.Values.OrderBy(m => m.PupilId)];
        PresentPupilIds = [.. Marks.Where(m => m.Present).Select(m => m.PupilId)];
        Revisions = [.. Revisions, new RollRevision(now, by, side, changes)];
        UpdatedAt = now;
        Version++;
        return true;
    }

    public bool? PresentOf(Guid pupilId) => Marks.FirstOrDefault(m => m.PupilId == pupilId)?.Present;
}
