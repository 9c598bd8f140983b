using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog;

public enum ProviderKind
{
    ScienceAssociation,   // 科协
    ScienceMuseum,        // 科技馆
    CulturalCentre,       // 文化馆
    Library,              // 图书馆
    YouthPalace,          // 少年宫/青少年宫
    SportsOrganization,   // 体育组织
    University,           // 高校/科研院所
    SocialOrganization,   // 社会组织
}

public enum ProviderStatus { Pending, Approved, Rejected, Suspended }

/// <summary>One vetting decision in the provider's audit trail: who, when, why.</summary>
public sealed record ProviderDecision(ProviderStatus Status, DateTimeOffset At, string By, string? Reason);

/// <summary>An organisation that offers after-school activities; must be approved (white-listed) before it can publish.</summary>
public sealed class Provider : IAggregate
{
    [JsonConstructor]
    private Provider() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public string Name { get; private set; } = "";
    [JsonInclude] public ProviderKind Kind { get; private set; }
    [JsonInclude] public string CreditCode { get; private set; } = "";
    [JsonInclude] public string ContactName { get; private set; } = "";
    [JsonInclude] public string ContactPhone { get; private set; } = "";
    [JsonInclude] public IReadOnlyList<string> Districts { get; private set; } = [];
    [JsonInclude] public ProviderStatus Status { get; private set; }
    [JsonInclude] public DateTimeOffset RegisteredAt { get; private set; }
    [JsonInclude] public IReadOnlyList<ProviderDecision> Decisions { get; private set; } = [];

    public bool CanPublish => Status == ProviderStatus.Approved;

    /// <summary>
    /// Every change the provider makes itself (offerings, sessions, answers to bookings) is checked against its standing now,
    /// not when its token was issued: refused while the bureau has it suspended or rejected. A pending provider may still draft.
    /// </summary>
    public void EnsureMayAct()
    {
        if (Status == ProviderStatus.Suspended)
            throw new DomainRuleException("provider-suspended");
        if (Status == ProviderStatus.Rejected)
            throw new DomainRuleException("provider-rejected");
    }

    public static Provider Register(string name, ProviderKind kind, string creditCode, string contactName, string contactPhone,
        IReadOnlyList<string> districts, DateTimeOffset now, string by = "self-registration") => new()
    {
        Id = Ids.New(), Version = 1, Name = name.Trim(), Kind = kind, CreditCode = Catalog.CreditCode.Normalize(creditCode),
        ContactName = contactName.Trim(), ContactPhone = contactPhone.Trim(), Districts = districts.Distinct().ToArray(),
        Status = ProviderStatus.Pending, RegisteredAt = now,
        Decisions = [new ProviderDecision(ProviderStatus.Pending, now, by, null)],
    };

    public void Approve(string by, string? note, DateTimeOffset now) =>
        Decide(ProviderStatus.Approved, by, note, now, ProviderStatus.Pending, ProviderStatus.Rejected, ProviderStatus.Suspended);

    public void Reject(string by, string reason, DateTimeOffset now) =>
        Decide(ProviderStatus.Rejected, by, reason, now, ProviderStatus.Pending);

    public void Suspend(string by, string reason, DateTimeOffset now) =>
        Decide(ProviderStatus.Suspended, by, reason, now, ProviderStatus.Approved);

    private void Decide(ProviderStatus to, string by, string? reason, DateTimeOffset now, params ProviderStatus[] allowedFrom)
    {
        if (!allowedFrom.Contains(Status))
            throw new TransitionRefusedException("provider-transition", Status, to);
        Status = to;
        Decisions = [.. Decisions, new ProviderDecision(to, now, by, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim())];
        Version++;
    }
}
