using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>
/// A district's funding policy as its bureau enters it (PUT /api/districts/{code}/funding-policy). Amounts in fen; caps and the
/// provider price cap null when the district sets none. <see cref="EffectiveFrom"/> null: from now. The rural caps apply to
/// schools the roster records as 农村 (see <see cref="FundingTerms.FamilyCapFor"/>). <see cref="RefundRule"/> null: refunds per day.
/// </summary>
public sealed record FundingPolicyInput(
    string? Semester, long? SubsidyFen, FeeUnit? SubsidyUnit, long? FamilyCapFen, long? FamilyCapJuniorFen, FeeUnit? FamilyCapUnit,
    long? ProviderPriceCapFen, IReadOnlyList<CollectedFeeRule>? CollectedFees, int? UncreditedAbsences, int? DisputeDays, DateTimeOffset? EffectiveFrom,
    long? FamilyCapRuralFen = null, long? FamilyCapRuralJuniorFen = null, RefundRule? RefundRule = null);

/// <summary>A district's policy for a semester as a reader sees it: every revision, and the one in force now (null: not yet).</summary>
public sealed record FundingPolicyView(string DistrictCode, string Semester, PolicyRevision? InForce, IReadOnlyList<PolicyRevision> Revisions, long Version);

/// <summary>
/// Sets and reads funding policies. Only the district's own bureau sets its policy (a city bureau and the other districts read);
/// each PUT adds a revision (versioned, with its effective date) in one commit with its audit entry and a
/// <see cref="EventTypes.FundingPolicyChanged"/> event, so quotes made from then on use it while quotes already fixed keep theirs.
/// </summary>
public sealed class FundingPolicyCommands(IMarketplaceStore store, TimeProvider clock)
{
    public async Task<FundingPolicyView> PutAsync(Caller caller, string district, FundingPolicyInput input, CancellationToken ct = default)
    {
        if (!(await store.ListDistrictsAsync(ct)).Any(d => d.Code == district)) throw new NotFoundException("district", district);
        if (!caller.IsBureauOf(district)) throw new ForbiddenException("forbidden.funding-policy", district);
        var (semester, terms) = Validate(input);
        var now = clock.GetUtcNow();
        var effectiveFrom = input.EffectiveFrom ?? now;
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var policy = await store.FindAsync<FundingPolicy>(FundingPolicy.IdOf(district, semester.Name), ct);
            var changes = new StoreChanges();
            if (policy is null)
            {
                policy = FundingPolicy.Create(district, semester, terms, effectiveFrom, now, caller.AuditName);
                changes.Insert(policy);
            }
            else
            {
                var expected = policy.Version;
                policy.Revise(terms, effectiveFrom, now, caller.AuditName);
                changes.Update(policy, expected);
            }
            changes.Insert(AuditEntry.Record(caller, "funding-policy.set", "district", district, now, district,
                    detail: $"{semester.Name} revision {policy.Current.Number} from {effectiveFrom:O}"))
                .Publish(SettlementEvents.PolicyChanged(district, semester.Name, now));
            await store.CommitAsync(changes, ct);
            return View(policy, now);
        });
    }

    /// <summary>The district's policy for the semester (default: the current one); null when the district has none — "no policy", there is no national default.</summary>
    public async Task<FundingPolicyView?> GetAsync(Caller caller, string district, string? semester, CancellationToken ct = default)
    {
        if (!(await store.ListDistrictsAsync(ct)).Any(d => d.Code == district)) throw new NotFoundException("district", district);
        var now = clock.GetUtcNow();
        Semester term;
        if (semester is null) term = Semester.Of(now);
        else if (!Semester.TryParse(semester, out term)) throw ValidationFailedException.For("semester", "validation.semester");
        var policy = await store.FindAsync<FundingPolicy>(FundingPolicy.IdOf(district, term.Name), ct);
        return policy is null ? null : View(policy, now);
    }

    private static FundingPolicyView View(FundingPolicy p, DateTimeOffset now) => new(p.DistrictCode, p.Semester, p.InForce(now), p.Revisions, p.Version);

    private static (Semester, FundingTerms) Validate(FundingPolicyInput r)
    {
        var v = new Validator();
        var semester = default(Semester);
        v.Require(r.Semester is not null && Semester.TryParse(r.Semester, out semester), "semester", new("validation.semester"));
        Amount(v, r.SubsidyFen, "subsidyFen", required: true);
        v.Require(r.SubsidyUnit is not null, "subsidyUnit", new("validation.required"));
        Amount(v, r.FamilyCapFen, "familyCapFen", required: false);
        Amount(v, r.FamilyCapJuniorFen, "familyCapJuniorFen", required: false);
        Amount(v, r.FamilyCapRuralFen, "familyCapRuralFen", required: false);
        Amount(v, r.FamilyCapRuralJuniorFen, "familyCapRuralJuniorFen", required: false);
        v.Require(r.FamilyCapUnit is not null || r.FamilyCapFen is null && r.FamilyCapJuniorFen is null && r.FamilyCapRuralFen is null && r.FamilyCapRuralJuniorFen is null,
            "familyCapUnit", new("validation.required"));
        // Every variant refines the district's cap: without one, urban schools would have none while rural ones had.
        v.Require(r.FamilyCapJuniorFen is null && r.FamilyCapRuralFen is null && r.FamilyCapRuralJuniorFen is null || r.FamilyCapFen is not null,
            "familyCapFen", new("policy.variant-cap-needs-cap"));
        Amount(v, r.ProviderPriceCapFen, "providerPriceCapFen", required: false);
        var fees = r.CollectedFees ?? [];
        if (v.Count(fees, "collectedFees", Enum.GetValues<CollectedFeeKind>().Length))
        {
            for (var i = 0; i < fees.Count; i++)
            {
                v.Require(fees[i] is not null && Enum.IsDefined(fees[i].Kind), $"collectedFees[{i}].kind", new("validation.required"));
                if (fees[i] is { } fee) Amount(v, fee.MaxFen, $"collectedFees[{i}].maxFen", required: true);
            }
            v.Require(fees.Where(f => f is not null).Select(f => f.Kind).Distinct().Count() == fees.Count(f => f is not null), "collectedFees", new("policy.collected-duplicate"));
        }
        v.Require(r.UncreditedAbsences is null or (>= 0 and <= 1000), "uncreditedAbsences", new("validation.range", 0, 1000));
        v.Require(r.DisputeDays is null or (>= 1 and <= FundingTerms.MaxDisputeDays), "disputeDays", new("validation.range", 1, FundingTerms.MaxDisputeDays));
        r.RefundRule?.Validate(v, "refundRule");
        if (r.EffectiveFrom is { } from && semester != default)
            v.Require(from < semester.End, "effectiveFrom", new("policy.effective-after-semester", semester.Name));
        v.ThrowIfInvalid();
        return (semester, new FundingTerms(r.SubsidyFen!.Value, r.SubsidyUnit!.Value, r.FamilyCapFen, r.FamilyCapJuniorFen, r.FamilyCapUnit ?? FeeUnit.PerLesson,
            r.ProviderPriceCapFen, fees, r.UncreditedAbsences ?? 0, r.DisputeDays ?? 7, r.FamilyCapRuralFen, r.FamilyCapRuralJuniorFen,
            r.RefundRule));
    }

    private static void Amount(Validator v, long? fen, string field, bool required)
    {
        if (fen is null) { v.Require(!required, field, new("validation.required")); return; }
        v.Range(fen.Value, 0, FundingTerms.MaxAmountFen, field);
    }
}
