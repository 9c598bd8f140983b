using Marketplace.Core.Catalog;
using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Families.Selection;

namespace Marketplace.Api.Families.Selection;

/// <summary>A programme of a window: the booking (or series) it is, what it is, its seats and free seats, its sessions, grades, whether it is a trip.</summary>
public sealed record WindowProgrammeDto(
    Guid ProgrammeId, Guid? SeriesId, IReadOnlyList<Guid> BookingIds, Guid OfferingId, string Title, string ProviderName, DeliveryMode Mode,
    int Seats, int FreeSeats, IReadOnlyList<TimeSlot> Sessions, IReadOnlyList<int> Grades, bool NeedsSafetyPledge);

/// <summary>
/// A selection window. <c>seedCommitment</c>: SHA-256 of the lottery's seed, published at opening; <c>seed</c> stays null until the
/// draw. <c>phase</c>: Scheduled, Open, Closed or Drawn. <c>flagsFixedAt</c>: when a lottery's <c>no-activity</c> flags were fixed on its
/// applications (the close, or the draw of a window closed by the clock).
/// </summary>
public sealed record WindowDto(
    Guid Id, Guid SchoolId, string Semester, string Title, WindowPhase Phase, DateTimeOffset OpensAt, DateTimeOffset ClosesAt, AllocationMode Mode,
    int CapPerPupil, IReadOnlyDictionary<string, int> Weights, IReadOnlyList<string> PriorityFlags, string TermsVersion, bool SafetyPledgeRequired,
    string? SeedCommitment, string? Seed, DateTimeOffset? ClosedAt, DateTimeOffset? DrawnAt, IReadOnlyList<WindowProgrammeDto> Programmes, long Version,
    DateTimeOffset? FlagsFixedAt = null)
{
    public static WindowDto From(WindowView v)
    {
        var w = v.Window;
        return new(w.Id, w.SchoolId, w.Semester, w.Title, v.Phase, w.OpensAt, w.ClosesAt, w.Mode, w.CapPerPupil, w.Weights, w.PriorityFlags, w.TermsVersion,
            w.SafetyPledgeRequired, w.SeedCommitment, w.RevealedSeed, w.ClosedAt, w.DrawnAt,
            [.. w.Programmes.Select(p => new WindowProgrammeDto(p.ProgrammeId, p.SeriesId, p.BookingIds, p.OfferingId, p.Title, p.ProviderName, p.Mode, p.Seats,
                v.FreeSeats.GetValueOrDefault(p.ProgrammeId), p.Sessions, p.Grades, w.SafetyPledgeRequired && p.IsTrip))],
            w.Version, w.FlagsFixedAt);
    }
}

/// <summary>
/// An application: the pupil, its ranked choices, the review steps (status, at, by, reason), what it was given (<c>placements</c>)
/// and where it waits (<c>waiting</c>: programme, position, the rank it gave it, why). <c>flags</c>: what a lottery weighs
/// (<c>hardship</c> 家庭经济困难 from the roster, <c>no-activity</c> 尚无课后活动 once decided at the close or draw); <c>noActivityHint</c>: on
/// the school's list of a lottery before the flag is decided, whether the pupil has no activity as of now (null otherwise).
/// </summary>
public sealed record ApplicationDto(
    Guid Id, Guid WindowId, Guid PupilId, string PupilName, int Grade, string ClassName, IReadOnlyList<Guid> Choices, string AcceptedTerms,
    bool SafetyPledge, DateTimeOffset SubmittedAt, ApplicationStatus Status, IReadOnlyList<ApplicationStep> Steps,
    IReadOnlyList<ApplicationPlacement> Placements, IReadOnlyList<WaitingPlace> Waiting, long Version, IReadOnlyList<string> Flags, bool? NoActivityHint)
{
    public static ApplicationDto From(ApplicationView v)
    {
        var a = v.Application;
        return new(a.Id, a.WindowId, a.PupilId, v.PupilName, a.Grade, a.ClassName, a.Choices, a.TermsVersion, a.SafetyPledge, a.SubmittedAt, a.Status,
            a.Steps, a.Placements, v.Waiting, a.Version, a.Flags, v.NoActivityHint);
    }
}

/// <summary>
/// A drawn window's audit: the exact input (<c>request</c>: programmes, applicants by pupil id with grade, flags, choices and times —
/// no names), the revealed seed and its commitment published at opening, the result with the order drawn, and <c>check</c>: the
/// result of re-running it on this server (<c>AllocationEngine.Verify</c>) over the whole input; the school and the bureau can re-run it
/// with the same input. A guardian gets its own children's lines only (<c>redacted</c> true: applicants, placements, waiting lists and
/// the order hold no other pupil), so that no pupil's weight (家庭经济困难) can be read off the audit; <c>applicants</c> counts everyone
/// drawn and <c>weightClasses</c> lists how many pupils were drawn with each weight in each priority tier, without ids.
/// </summary>
public sealed record DrawDto(
    Guid WindowId, DateTimeOffset DrawnAt, string? Seed, string? SeedCommitment, bool SeedMatchesCommitment, AllocationRequest Request,
    AllocationResult Result, AllocationCheck Check, bool Redacted, int Applicants, IReadOnlyList<WeightClass> WeightClasses)
{
    public static DrawDto From(DrawView v) => new(v.Window.Id, v.Draw.DrawnAt, v.Window.RevealedSeed, v.Window.SeedCommitment,
        v.Window.RevealedSeed is { } seed && LotteryDraw.Commitment(seed) == v.Window.SeedCommitment, v.Request, v.Result, v.Check, v.Redacted,
        v.Applicants, v.WeightClasses);
}

public sealed record RescheduleRequest(DateTimeOffset? ClosesAt);

public sealed record ReviewRequest(bool? Approve, string? Reason);
