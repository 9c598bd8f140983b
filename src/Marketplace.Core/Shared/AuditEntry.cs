using System.Text.Json.Serialization;

namespace Marketplace.Core.Shared;

/// <summary>
/// One administrative action (who, what, when, from where), inserted in the same commit as the action it records. Readable by
/// the bureau of its <see cref="District"/> and that district's city bureau, and by the administrator; an entry without a
/// district by the administrator only. Never changed once written.
/// </summary>
public sealed class AuditEntry : IAggregate
{
    [JsonConstructor]
    private AuditEntry() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public DateTimeOffset At { get; private set; }

    /// <summary><see cref="Caller.AuditName"/> ("Administrator:admin"), or "cli:{user}@{host}" for the command line.</summary>
    [JsonInclude] public string Actor { get; private set; } = "";

    [JsonInclude] public Guid ActorOrganizationId { get; private set; }

    /// <summary>The client's address (after the trusted-proxy rules); null outside HTTP.</summary>
    [JsonInclude] public string? Address { get; private set; }

    /// <summary>What was done: "user.disable", "district.create", "organisation.create" …</summary>
    [JsonInclude] public string Action { get; private set; } = "";

    /// <summary>"user", "organisation", "district".</summary>
    [JsonInclude] public string TargetKind { get; private set; } = "";

    /// <summary>The target's id (a GUID in D format, or a district code).</summary>
    [JsonInclude] public string TargetId { get; private set; } = "";

    [JsonInclude] public string? District { get; private set; }
    [JsonInclude] public Guid? OrganizationId { get; private set; }

    /// <summary>What the actor wrote (a reason) or what changed, as written; never a password.</summary>
    [JsonInclude] public string? Detail { get; private set; }

    public static AuditEntry Record(Caller caller, string action, string targetKind, string targetId, DateTimeOffset at,
        string? district = null, Guid? organizationId = null, string? detail = null) =>
        Record(caller.AuditName, caller.OrganizationId, caller.Address, action, targetKind, targetId, at, district, organizationId, detail);

    public static AuditEntry Record(string actor, Guid actorOrganizationId, string? address, string action, string targetKind, string targetId,
        DateTimeOffset at, string? district = null, Guid? organizationId = null, string? detail = null) => new()
    {
        Id = Ids.New(), Version = 1, At = at, Actor = actor, ActorOrganizationId = actorOrganizationId, Address = address, Action = action,
        TargetKind = targetKind, TargetId = targetId, District = district, OrganizationId = organizationId,
        Detail = string.IsNullOrWhiteSpace(detail) ? null : detail.Trim(),
    };
}
