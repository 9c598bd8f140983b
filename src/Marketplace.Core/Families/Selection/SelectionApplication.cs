using System.Text.Json.Serialization;
using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Selection;

/// <summary>家长申请 → 班级审核 → 学校复核; or rejected at a review (with its reason), or withdrawn by the guardian.</summary>
public enum ApplicationStatus { Submitted, ClassApproved, SchoolApproved, Rejected, Withdrawn }

/// <summary>One review step or move: the status reached, who, when, and a rejection's reason.</summary>
public sealed record ApplicationStep(ApplicationStatus Status, DateTimeOffset At, string By, string? Reason = null);

/// <summary>A programme given to the pupil: as which choice (1 = first) and when.</summary>
public sealed record ApplicationPlacement(Guid ProgrammeId, int ChoiceRank, DateTimeOffset At);

/// <summary>
/// A guardian's application for one child in one window: its own document, named by (window, pupil) so one child has one
/// application per window however many requests arrive at once (the second insert is refused by the store). Ranked choices
/// (first, then alternates), the terms version accepted, the safety pledge, when it was submitted (the first-come order), the
/// review steps and what it was given.
/// </summary>
public sealed class SelectionApplication : IAggregate
{
    public const int MaxReasonLength = 500;

    [JsonConstructor]
    private SelectionApplication() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public Guid WindowId { get; private set; }
    [JsonInclude] public Guid SchoolId { get; private set; }
    [JsonInclude] public Guid PupilId { get; private set; }
    [JsonInclude] public Guid GuardianId { get; private set; }
    [JsonInclude] public int Grade { get; private set; }
    [JsonInclude] public string ClassName { get; private set; } = "";
    [JsonInclude] public IReadOnlyList<string> Flags { get; private set; } = [];
    [JsonInclude] public IReadOnlyList<Guid> Choices { get; private set; } = [];
    [JsonInclude] public string TermsVersion { get; private set; } = "";
    [JsonInclude] public bool SafetyPledge { get; private set; }
    [JsonInclude] public DateTimeOffset SubmittedAt { get; private set; }
    [JsonInclude] public ApplicationStatus Status { get; private set; }
    [JsonInclude] public IReadOnlyList<ApplicationStep> Steps { get; private set; } = [];
    [JsonInclude] public IReadOnlyList<ApplicationPlacement> Placements { get; private set; } = [];

    /// <summary>When its <see cref="SelectionFlags.NoActivity"/> flag was decided (a lottery's close or draw); null before.</summary>
    [JsonInclude] public DateTimeOffset? ActivityFixedAt { get; private set; }

    /// <summary>Still in the running: not rejected, not withdrawn.</summary>
    public bool IsLive => Status is not (ApplicationStatus.Rejected or ApplicationStatus.Withdrawn);

    public static Guid IdOf(Guid windowId, Guid pupilId) => SelectionWindow.NameBased($"selection-application:{windowId:N}:{pupilId:N}");

    public static SelectionApplication Submit(SelectionWindow window, Pupil pupil, Guid guardianId, IReadOnlyList<Guid> choices, string terms, bool pledge,
        DateTimeOffset now, string by) => new()
    {
        Id = IdOf(window.Id, pupil.Id), Version = 1, WindowId = window.Id, SchoolId = window.SchoolId, PupilId = pupil.Id, GuardianId = guardianId,
        Grade = pupil.Grade, ClassName = pupil.ClassName, Flags = pupil.Hardship == true ? [SelectionFlags.Hardship] : [], Choices = choices,
        TermsVersion = terms, SafetyPledge = pledge, SubmittedAt = now, Status = ApplicationStatus.Submitted,
        Steps = [new ApplicationStep(ApplicationStatus.Submitted, now, by)],
    };

    /// <summary>A withdrawn or rejected application submitted again (while the window is open): a new submission, at the back of the queue.</summary>
    public void Resubmit(Pupil pupil, Guid guardianId, IReadOnlyList<Guid> choices, string terms, bool pledge, DateTimeOffset now, string by)
    {
        if (IsLive) throw new DomainRuleException("selection-already-applied");
        (GuardianId, Grade, ClassName, Choices, TermsVersion, SafetyPledge, SubmittedAt) = (guardianId, pupil.Grade, pupil.ClassName, choices, terms, pledge, now);
        Flags = pupil.Hardship == true ? [SelectionFlags.Hardship] : [];
        ActivityFixedAt = null;
        Status = ApplicationStatus.Submitted;
        Placements = [];
        Steps = [.. Steps, new ApplicationStep(ApplicationStatus.Submitted, now, by)];
        Version++;
    }

    public void Place(IReadOnlyList<ApplicationPlacement> placements)
    {
        Placements = placements;
        Version++;
    }

    /// <summary>First come: a seat another pupil gave back goes to this application, waiting for it as <c>Full</c>.</summary>
    public void AddPlacement(ApplicationPlacement placement)
    {
        if (!IsLive || Placements.Any(p => p.ProgrammeId == placement.ProgrammeId))
            throw new InvalidOperationException($"Application {Id} cannot take programme {placement.ProgrammeId}.");
        Placements = [.. Placements, placement];
        Version++;
    }

    /// <summary>班级审核 (from Submitted) or 学校复核 (from ClassApproved): approve, or reject with a reason.</summary>
    public void Review(ReviewStep step, bool approve, string? reason, DateTimeOffset now, string by)
    {
        var from = step == ReviewStep.Class ? ApplicationStatus.Submitted : ApplicationStatus.ClassApproved;
        var to = !approve ? ApplicationStatus.Rejected : step == ReviewStep.Class ? ApplicationStatus.ClassApproved : ApplicationStatus.SchoolApproved;
        if (Status != from) throw new TransitionRefusedException("selection-review-transition", Status, to);
        Status = to;
        if (!approve) Placements = [];
        Steps = [.. Steps, new ApplicationStep(to, now, by, approve ? null : reason?.Trim())];
        Version++;
    }

    public void Withdraw(DateTimeOffset now, string by)
    {
        if (!IsLive) throw new TransitionRefusedException("selection-review-transition", Status, ApplicationStatus.Withdrawn);
        Status = ApplicationStatus.Withdrawn;
        Placements = [];
        Steps = [.. Steps, new ApplicationStep(ApplicationStatus.Withdrawn, now, by)];
        Version++;
    }

    /// <summary>
    /// Sets or clears <see cref="SelectionFlags.NoActivity"/> as decided when the window's applicant list was fixed (its close, or the
    /// draw of a window closed by the clock, or the draw for an application whose commit landed just after the close) and marks when;
    /// false when it was decided already (nothing to write).
    /// </summary>
    public bool FixActivity(bool noActivity, DateTimeOffset now)
    {
        if (ActivityFixedAt is not null) return false;
        Flags = noActivity ? [.. Flags.Where(f => f != SelectionFlags.NoActivity), SelectionFlags.NoActivity] : [.. Flags.Where(f => f != SelectionFlags.NoActivity)];
        ActivityFixedAt = now;
        Version++;
        return true;
    }

    public Applicant ToApplicant(IReadOnlyList<TimeSlot> commitments) => new(PupilId, Grade, Choices, SubmittedAt, Flags, commitments);
}

public enum ReviewStep { Class, School }

/// <summary>The flags the platform sets on an application from the school's roster; the school weighs or prioritises them.</summary>
public static class SelectionFlags
{
    /// <summary>家庭经济困难 (the roster's hardship column).</summary>
    public const string Hardship = "hardship";

    /// <summary>尚无课后活动: no placement in the school's other windows of the semester and no present mark on any roll of it (<see cref="SelectionActivity"/>).</summary>
    public const string NoActivity = "no-activity";
}
