namespace Marketplace.Core.Families.Allocation;

/// <summary>How the order of applicants is decided: by when they submitted (first come) or by a seeded, weighted lottery (抽签).</summary>
public enum AllocationMode { FirstCome, Lottery }

/// <summary>A half-open time interval [<see cref="Start"/>, <see cref="End"/>): a session that ends at 16:30 does not clash with one starting at 16:30.</summary>
public readonly record struct TimeSlot(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Overlaps(TimeSlot other) => Start < other.End && other.Start < End;
}

/// <summary>
/// A programme the school offers in the selection window: the seats it holds, every session it occupies (one, or a term
/// series), and the grades it is open to (null or empty: every grade).
/// </summary>
public sealed record ProgrammeSeats(Guid ProgrammeId, int Seats, IReadOnlyList<TimeSlot> Sessions, IReadOnlyList<int>? Grades = null)
{
    public bool Admits(int grade) => Grades is not { Count: > 0 } || Grades.Contains(grade);
}

/// <summary>
/// One pupil's application: grade, the school's flags that weigh in the lottery (e.g. <c>hardship</c> 家庭经济困难,
/// <c>no-activity</c> 尚无课后活动), ranked choices (first choice, then alternates), the times the pupil already holds
/// elsewhere, and when the guardian submitted (the first-come order).
/// </summary>
public sealed record Applicant(
    Guid PupilId, int Grade, IReadOnlyList<Guid> Choices, DateTimeOffset SubmittedAt,
    IReadOnlyList<string>? Flags = null, IReadOnlyList<TimeSlot>? Commitments = null);

/// <summary>
/// Everything one allocation run needs. <see cref="CapPerPupil"/>: how many programmes a pupil may get (the school's cap).
/// <see cref="Weights"/>: lottery weight per flag (1–100; a pupil's weight is the product over its flags, at most
/// <see cref="MaxPupilWeight"/>); ignored by first come. <see cref="Seed"/>: the published lottery seed (lottery only).
/// <see cref="PriorityFlags"/>: flags drawn strictly first, in this order (e.g. <c>hardship</c>: 家庭经济困难 first, whatever the
/// draw); the lottery orders pupils within each tier; ignored by first come, whose live path cannot reorder.
/// </summary>
public sealed record AllocationRequest(
    IReadOnlyList<ProgrammeSeats> Programmes, IReadOnlyList<Applicant> Applicants, int CapPerPupil, AllocationMode Mode,
    string? Seed = null, IReadOnlyDictionary<string, int>? Weights = null, IReadOnlyList<string>? PriorityFlags = null)
{
    public const int MaxProgrammes = 500;
    public const int MaxSessions = 400;
    public const int MaxSeats = 100_000;
    public const int MaxApplicants = 50_000;
    public const int MaxChoices = 10;
    public const int MaxCommitments = 400;
    public const int MaxCap = 10;
    public const int MaxFlags = 10;
    public const int MaxFlagLength = 40;
    public const int MaxFlagWeight = 100;
    public const int MaxPupilWeight = 10_000;
    public const int MaxSeedLength = 128;

    /// <summary>
    /// The pupil's priority tier in the lottery: 0 for the first of <see cref="PriorityFlags"/> the pupil has, 1 for the second …,
    /// and the number of priority flags for a pupil with none (everyone, when there are none). Lower tiers draw first.
    /// </summary>
    public int TierOf(Applicant applicant)
    {
        if (Mode != AllocationMode.Lottery || PriorityFlags is not { Count: > 0 } priority) return 0;
        for (var t = 0; t < priority.Count; t++)
            if (applicant.Flags?.Contains(priority[t], StringComparer.Ordinal) == true) return t;
        return priority.Count;
    }

    /// <summary>The lottery weight of a pupil with these flags: the product of their weights (unweighted flags count 1), capped.</summary>
    public int WeightOf(Applicant applicant)
    {
        if (Mode != AllocationMode.Lottery || Weights is null || applicant.Flags is null) return 1;
        long weight = 1;
        foreach (var flag in applicant.Flags.Distinct(StringComparer.Ordinal))
            if (Weights.TryGetValue(flag, out var w)) weight = Math.Min(MaxPupilWeight, weight * w);
        return (int)weight;
    }
}
