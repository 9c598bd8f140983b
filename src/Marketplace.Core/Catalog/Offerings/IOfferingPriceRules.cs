namespace Marketplace.Core.Catalog.Offerings;

/// <summary>
/// The districts' funding policies as they bear on an offering's price: an offering priced above the provider price cap or the
/// family fee cap of a district it serves, or listing a 代收费 kind a district does not allow, is refused on create, edit and
/// submit, naming the cap. Catalog may not read policies, so the Settlement module answers (<c>Settlement.PolicyPriceRules</c>).
/// </summary>
public interface IOfferingPriceRules
{
    /// <summary>Throws a validation error on <c>priceFen</c> / <c>collectedFees</c> naming the district and its cap; returns when the price fits everywhere.</summary>
    Task CheckAsync(OfferingContent content, CancellationToken ct = default);
}
