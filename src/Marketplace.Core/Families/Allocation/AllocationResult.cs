namespace Marketplace.Core.Families.Allocation;

/// <summary>A pupil given a programme: the pupil's how-manieth (<see cref="Round"/>: 1 = its first programme; in a lottery, the round) and as which choice (1 = first choice).</summary>
public sealed record Placement(Guid PupilId, Guid ProgrammeId, int Round, int ChoiceRank);

/// <summary>Why a pupil who ranked a programme did not get it.</summary>
public enum WaitReason
{
    /// <summary>No seat was left when the pupil's turn reached it: a freed seat can go to this pupil.</summary>
    Full,
    /// <summary>It clashes in time with what the pupil holds or was given: a freed seat alone does not help.</summary>
    Overlap,
    /// <summary>The pupil already got as many programmes as the school's cap allows.</summary>
    CapReached,
}

/// <summary>One place on a programme's waiting list (1-based <see cref="Position"/>, in draw order).</summary>
public sealed record WaitingEntry(int Position, Guid PupilId, int ChoiceRank, WaitReason Reason);

/// <summary>
/// One applicant's place in the order. Lottery: <see cref="Digest"/> = SHA-256 of UTF-8 <c>"{seed}:{pupilId}"</c> (hex),
/// <see cref="Uniform"/> u = (first 53 bits + 1) / 2^53, <see cref="Key"/> = u^(1/<see cref="Weight"/>) — shown for reading;
/// the order itself is decided exactly (see docs/families.md, "Allocation"); <see cref="Tier"/>: the priority tier, drawn before
/// any later tier (0 when the school sets no priority). First come: <see cref="SubmittedAt"/>.
/// </summary>
public sealed record DrawEntry(int Position, Guid PupilId, int Weight, string? Digest, double? Uniform, double? Key, DateTimeOffset? SubmittedAt, int Tier = 0);

/// <summary>
/// What is published with a result so that anyone can re-run and check it: the algorithm's version, the mode, the seed and its
/// commitment (SHA-256 of the seed, published when the window opened), a digest of the whole input, and the order drawn.
/// </summary>
public sealed record AllocationAudit(
    string AlgorithmVersion, AllocationMode Mode, string? Seed, string? SeedCommitment, string InputDigest, int CapPerPupil,
    IReadOnlyList<DrawEntry> Draw);

/// <summary>The allocation: placements in the order they were made, each programme's waiting list (every programme present), the audit.</summary>
public sealed record AllocationResult(
    IReadOnlyList<Placement> Placements, IReadOnlyDictionary<Guid, IReadOnlyList<WaitingEntry>> WaitingLists, AllocationAudit Audit);

/// <summary>The outcome of re-running a published allocation: the same input, the same order, the same placements and waiting lists.</summary>
public sealed record AllocationCheck(bool InputMatches, bool DrawMatches, bool OutcomeMatches)
{
    public bool Matches => InputMatches && DrawMatches && OutcomeMatches;
}
