using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools.Import;

/// <summary>
/// What an import did (or, in a dry run, would do). <see cref="Errors"/>: every bad cell; any error means nothing was written.
/// <see cref="Activations"/>: the one-time codes of the coordinators created, only in the answer to a real import (never stored
/// in clear, never shown again).
/// </summary>
public sealed record SchoolImportReport(
    bool DryRun, int Rows, int SchoolsCreated, int SchoolsUpdated, int SchoolsUnchanged, int UsersCreated,
    IReadOnlyList<ImportError> Errors, IReadOnlyList<IssuedActivation> Activations);

/// <summary>One bad cell (or, without <see cref="Line"/>, the whole file; without <see cref="Column"/>, a missing column).
/// <see cref="Code"/> is stable for programs; <see cref="Message"/> is rendered in the request's language.</summary>
public sealed record ImportError(int? Line, string? Column, string? Field, string Code, UserMessage Message);

public sealed record IssuedActivation(int Line, string Username, string Code);
