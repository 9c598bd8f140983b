namespace Marketplace.Core.Catalog.Sessions;

/// <summary>Sessions of one offering, with the offering and its provider: read once, they name every session of a list.</summary>
public sealed record OfferingSessions(Offering Offering, Provider Provider, IReadOnlyList<Session> Sessions);
