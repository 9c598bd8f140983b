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

/// <summary>One vetting decision in the provider's audit trail: who, when, why, and in which district (null: in every district
/// the provider had applied to at the time — registration, and decisions recorded before districts were decided separately).</summary>
public sealed record ProviderDecision(ProviderStatus Status, DateTimeOffset At, string By, string? Reason, string? District = null);

/// <summary>The provider's entry on one district's white list (白名单), decided by that district's bureau alone.</summary>
public sealed record DistrictApproval(string District, ProviderStatus Status, IReadOnlyList<ProviderDecision> Decisions);

/// <summary>
/// An organisation that offers after-school activities. It registers once and applies to each district it wants to serve;
/// each district's bureau approves, rejects or suspends its own entry in <see cref="Approvals"/>. <see cref="Status"/> is a
/// stored summary of the entries (Approved if any entry is; else Suspended, Pending, Rejected), kept for clients and the
/// status index; <see cref="Districts"/> lists the districts applied to; <see cref="Decisions"/> every decision in order.
/// </summary>
public sealed class Provider : IAggregate, IJsonOnDeserialized
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

    /// <summary>One entry per district applied to, in the order applied.</summary>
    [JsonInclude] public IReadOnlyList<DistrictApproval> Approvals { get; private set; } = [];

    /// <summary>The first district the provider registered in (属地管理: its bureau reviews the provider's offerings while approved there).</summary>
    [JsonInclude] public string HomeDistrict { get; private set; } = "";

    /// <summary>The provider's account at the payment gateway that receives its payouts (Stripe: its Connect account, acct_…); null: paid offline only.</summary>
    [JsonInclude] public string? PaymentAccount { get; private set; }

    /// <summary>Sets or clears <see cref="PaymentAccount"/> (the caller checks the format).</summary>
    public void SetPaymentAccount(string? account)
    {
        PaymentAccount = string.IsNullOrWhiteSpace(account) ? null : account.Trim();
        Version++;
    }

    public bool CanPublish => Approvals.Any(a => a.Status == ProviderStatus.Approved);

    public bool IsApprovedIn(string district) => EntryIn(district)?.Status == ProviderStatus.Approved;

    /// <summary>The entry of <paramref name="district"/>, or null when the provider has not applied there.</summary>
    public DistrictApproval? EntryIn(string district) => Approvals.FirstOrDefault(a => a.District == district);

    /// <summary>The district whose bureau reviews the provider's offerings: home if approved there, else the earliest approved entry.</summary>
    public string? ReviewDistrict =>
        IsApprovedIn(HomeDistrict) ? HomeDistrict : Approvals.FirstOrDefault(a => a.Status == ProviderStatus.Approved)?.District;

    /// <summary>
    /// Every change the provider makes itself (offerings, sessions, answers to bookings) is checked against its standing now,
    /// not when its token was issued: refused only when no district has it approved or pending (a provider with one district
    /// behaves as before: refused while suspended or rejected there). A pending provider may still draft.
    /// </summary>
    public void EnsureMayAct()
    {
        ProviderStatus[] standing = Approvals.Count == 0 ? [Status] : Approvals.Select(a => a.Status).ToArray();
        if (standing.Any(s => s is ProviderStatus.Approved or ProviderStatus.Pending)) return;
        throw new DomainRuleException(standing.Contains(ProviderStatus.Suspended) ? "provider-suspended" : "provider-rejected");
    }

    /// <summary>
    /// For what the provider does in one district (answering that district's bookings): its entry there must stand. A district it
    /// never applied to (a booking made before schools saw only approved providers) falls back to its standing anywhere.
    /// </summary>
    public void EnsureMayActIn(string district)
    {
        switch (EntryIn(district)?.Status)
        {
            case null: EnsureMayAct(); return;
            case ProviderStatus.Approved or ProviderStatus.Pending: return;
            case ProviderStatus.Suspended: throw new DomainRuleException("provider-suspended");
            default: throw new DomainRuleException("provider-rejected");
        }
    }

    /// <summary>The reason of the last decision in <paramref name="district"/> (a suspension's, for the requests it declines).</summary>
    public string? LastReasonIn(string district) => EntryIn(district)?.Decisions.LastOrDefault()?.Reason;

    public static Provider Register(string name, ProviderKind kind, string creditCode, string contactName, string contactPhone,
        IReadOnlyList<string> districts, DateTimeOffset now, string by = "self-registration")
    {
        var applied = districts.Distinct().ToArray();
        return new()
        {
            Id = Ids.New(), Version = 1, Name = name.Trim(), Kind = kind, CreditCode = Catalog.CreditCode.Normalize(creditCode),
            ContactName = contactName.Trim(), ContactPhone = contactPhone.Trim(), Districts = applied,
            Status = ProviderStatus.Pending, RegisteredAt = now, HomeDistrict = applied.FirstOrDefault() ?? "",
            Decisions = [new ProviderDecision(ProviderStatus.Pending, now, by, null)],
            Approvals = [.. applied.Select(d => new DistrictApproval(d, ProviderStatus.Pending, [new ProviderDecision(ProviderStatus.Pending, now, by, null, d)]))],
        };
    }

    /// <summary>
    /// Applies to more districts: a new entry each, or a rejected entry back to pending, each recorded in the trail. Other
    /// entries are left alone; a district already applied to and not rejected refuses the whole application (nothing changes).
    /// </summary>
    public void ApplyFor(IReadOnlyList<string> districts, string by, DateTimeOffset now)
    {
        var wanted = districts.Distinct().ToArray();
        if (wanted.FirstOrDefault(d => EntryIn(d) is { Status: not ProviderStatus.Rejected }) is { } taken)
            throw new DomainRuleException("district-already-applied", taken, EntryIn(taken)!.Status);
        foreach (var district in wanted)
        {
            var decision = new ProviderDecision(ProviderStatus.Pending, now, by, null, district);
            SetEntry(district, ProviderStatus.Pending, decision);
            Decisions = [.. Decisions, decision];
        }
        if (wanted.Length > 0) Version++;
    }

    // Decisions in one district: that district's entry only, with the transitions of a white list.
    public void Approve(string district, string by, string? note, DateTimeOffset now) =>
        DecideIn(district, ProviderStatus.Approved, by, note, now, ProviderStatus.Pending, ProviderStatus.Rejected, ProviderStatus.Suspended);

    public void Reject(string district, string by, string reason, DateTimeOffset now) =>
        DecideIn(district, ProviderStatus.Rejected, by, reason, now, ProviderStatus.Pending);

    public void Suspend(string district, string by, string reason, DateTimeOffset now) =>
        DecideIn(district, ProviderStatus.Suspended, by, reason, now, ProviderStatus.Approved);

    private void DecideIn(string district, ProviderStatus to, string by, string? reason, DateTimeOffset now, params ProviderStatus[] allowedFrom)
    {
        var entry = EntryIn(district) ?? throw ValidationFailedException.For("district", "vetting.district-not-applied", district);
        if (!allowedFrom.Contains(entry.Status))
            throw new TransitionRefusedException("provider-transition", entry.Status, to);
        var decision = new ProviderDecision(to, now, by, Clean(reason), district);
        SetEntry(district, to, decision);
        Decisions = [.. Decisions, decision];
        Version++;
    }

    /// <summary>Writes one entry (appending it when new) and the summary it changes.</summary>
    private void SetEntry(string district, ProviderStatus status, ProviderDecision decision)
    {
        var entry = EntryIn(district);
        var updated = new DistrictApproval(district, status, [.. entry?.Decisions ?? [], decision]);
        Approvals = entry is null ? [.. Approvals, updated] : [.. Approvals.Select(a => a.District == district ? updated : a)];
        if (entry is null) Districts = [.. Districts, district];
        Status = Summary(Approvals);
    }

    /// <summary>Approved if any entry is; else Suspended, Pending, Rejected (in that order).</summary>
    private static ProviderStatus Summary(IReadOnlyList<DistrictApproval> entries) =>
        new[] { ProviderStatus.Approved, ProviderStatus.Suspended, ProviderStatus.Pending, ProviderStatus.Rejected }
            .FirstOrDefault(s => entries.Any(e => e.Status == s), ProviderStatus.Pending);

    private static string? Clean(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();

    /// <summary>
    /// A document stored before districts were decided separately has no entries: each district it applied to gets one, in the
    /// provider's old status and with its old decisions, so it loads the same during a rolling upgrade (the stores also rewrite
    /// such documents once, so that their queries find them).
    /// </summary>
    void IJsonOnDeserialized.OnDeserialized()
    {
        if (Approvals.Count == 0 && Districts.Count > 0)
            Approvals = [.. Districts.Select(d => new DistrictApproval(d, Status, Decisions))];
        if (HomeDistrict.Length == 0 && Districts.Count > 0) HomeDistrict = Districts[0];
    }
}
