using Marketplace.Core.Identity;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Admin;

/// <summary>A user as its organisation's admin and the administrator see it (never its password or codes).</summary>
public sealed record UserDto(Guid Id, string Username, string DisplayName, Role Role, OrgRole OrgRole, bool Disabled, bool OrganizationDisabled,
    DateTimeOffset? LockedUntil, bool MustChangePassword, IReadOnlyList<string> Classes)
{
    public static UserDto From(User u) =>
        new(u.Id, u.Username, u.DisplayName, u.Role, u.OrgRole, u.Disabled, u.OrganizationDisabled, u.LockedUntil, u.MustChangePassword, u.Classes);
}

/// <summary>A bureau organisation: a district bureau's one district, or a city bureau's city.</summary>
public sealed record OrganisationDto(Guid Id, string Name, BureauLevel Level, IReadOnlyList<string> Districts, string? CityCode, bool Disabled)
{
    public static OrganisationDto From(Bureau b) => new(b.Id, b.Name, b.Level, b.Districts, b.CityCode, b.Disabled);
}

public sealed record CreatedOrganisationDto(OrganisationDto Organisation, UserDto User);

/// <summary>Any organisation after it was disabled or enabled: how many of its users changed with it.</summary>
public sealed record OrganisationStandingDto(Guid Id, OrganisationStatus Status, int Users);

public sealed record AuditEntryDto(Guid Id, DateTimeOffset At, string Actor, Guid ActorOrganizationId, string? Address, string Action,
    string TargetKind, string TargetId, string? District, Guid? OrganizationId, string? Detail)
{
    public static AuditEntryDto From(AuditEntry e) =>
        new(e.Id, e.At, e.Actor, e.ActorOrganizationId, e.Address, e.Action, e.TargetKind, e.TargetId, e.District, e.OrganizationId, e.Detail);
}

/// <summary>A reason for disabling a user or an organisation (required, kept in the audit).</summary>
public sealed record DisableRequest(string? Reason);

/// <summary>A school user's classes: each "grade-class" as the roster names it ("3-2班").</summary>
public sealed record ClassesRequest(IReadOnlyList<string?>? Classes);
