using Marketplace.Core.Identity;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Persistence;

/// <summary>Users, oldest id first: of one organisation and/or of one role. <see cref="After"/>: only ids after it — the next page.</summary>
public sealed record UserFilter(Guid? OrganizationId = null, Role? Role = null, int Limit = 500, Guid? After = null);

/// <summary>
/// Audit entries, newest first: about any of <see cref="Districts"/> and/or about one organisation; neither means every entry.
/// <see cref="Before"/>: only entries written before that one (ids are version-7, time-ordered) — the next page.
/// </summary>
public sealed record AuditFilter(IReadOnlyCollection<string>? Districts = null, Guid? OrganizationId = null, int Limit = 100, Guid? Before = null);

/// <summary>Bureaus, oldest id first, optionally of one level. <see cref="After"/>: only ids after it — the next page.</summary>
public sealed record BureauFilter(BureauLevel? Level = null, int Limit = 500, Guid? After = null);
