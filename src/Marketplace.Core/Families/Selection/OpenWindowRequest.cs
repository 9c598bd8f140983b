using Marketplace.Core.Families.Allocation;

namespace Marketplace.Core.Families.Selection;

/// <summary>A programme put into a window: one confirmed booking or one confirmed series of the school; <see cref="Seats"/> at most
/// what it holds (default: all of them).</summary>
public sealed record ProgrammeRequest(Guid? BookingId, Guid? SeriesId, int? Seats);

/// <summary>What the school sets when it opens a window (mass assignment: no status, seed or counts).</summary>
public sealed record OpenWindowRequest(
    string? Title, DateTimeOffset? OpensAt, DateTimeOffset? ClosesAt, AllocationMode? Mode, int? CapPerPupil,
    IReadOnlyDictionary<string, int>? Weights, IReadOnlyList<string>? PriorityFlags, string? TermsVersion, bool SafetyPledgeRequired,
    IReadOnlyList<ProgrammeRequest>? Programmes);

/// <summary>A guardian's application for one child: ranked choices (first, then alternates), the terms version accepted, the safety pledge.</summary>
public sealed record ApplyRequest(Guid? PupilId, IReadOnlyList<Guid>? Choices, string? AcceptedTerms, bool SafetyPledge);
