using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>
/// Checks an offering's price against the policy in force now (this semester's) of every district it serves — its on-campus
/// districts and its venue's district: the provider price cap per 课时, the family fee cap per 课时 (what is left after that district's per-课时 subsidy), and the 代收费 kinds allowed. Monthly and
/// semester caps depend on how many sessions a school books and are checked when it books. A district without a policy has no cap.
/// Where urban and rural schools have different family caps, the price is checked against the higher one (some school of the
/// district can book it); a school under the lower one is refused when it books (family-cap-exceeded).
/// </summary>
public sealed class PolicyPriceRules(IMarketplaceStore store, TimeProvider clock) : IOfferingPriceRules
{
    public async Task CheckAsync(OfferingContent content, CancellationToken ct = default)
    {
        var districts = content.Districts.Concat(content.Venue?.DistrictCode is { } venue ? [venue] : []).Distinct().Order(StringComparer.Ordinal).ToList();
        if (districts.Count == 0) return;
        var names = (await store.ListDistrictsAsync(ct)).ToDictionary(d => d.Code, d => d.Name);
        var now = clock.GetUtcNow();
        var semester = Semester.Of(now);
        var stages = content.Grades.Select(g => g >= 7 ? LessonStage.Junior : LessonStage.Primary).Distinct().ToList();
        var v = new Validator();
        foreach (var district in districts)
        {
            var policy = await store.FindAsync<FundingPolicy>(FundingPolicy.IdOf(district, semester.Name), ct);
            if (policy?.InForce(now) is not { Terms: var terms }) continue;
            var name = names.GetValueOrDefault(district, district);
            foreach (var stage in stages)
            {
                var halves = QuoteCalculator.LessonHalves(content.DurationMinutes, stage);
                if (terms.ProviderPriceCapFen is { } priceCap && content.PriceFen > QuoteCalculator.PerLessons(priceCap, halves))
                    v.Add("priceFen", new("policy.price-above-provider-cap", name, Money.Yuan(priceCap), Money.Yuan(QuoteCalculator.PerLessons(priceCap, halves))));
                if (terms.FamilyCapUnit == FeeUnit.PerLesson && terms.WidestFamilyCapFor(stage) is { } familyCap)
                {
                    var subsidy = terms.SubsidyUnit == FeeUnit.PerLesson ? Math.Min(content.PriceFen, QuoteCalculator.PerLessons(terms.SubsidyFen, halves)) : 0;
                    var limit = QuoteCalculator.PerLessons(familyCap, halves);
                    if (content.PriceFen - subsidy > limit)
                        v.Add("priceFen", new("policy.price-above-family-cap", name, Money.Yuan(familyCap), Money.Yuan(limit + subsidy)));
                }
            }
            foreach (var fee in content.CollectedFees.Where(f => terms.Allowed(f.Kind) is null))
                v.Add("collectedFees", new("policy.collected-not-allowed", name, new UserMessage($"enum.CollectedFeeKind.{fee.Kind}")));
        }
        v.ThrowIfInvalid();
    }
}
