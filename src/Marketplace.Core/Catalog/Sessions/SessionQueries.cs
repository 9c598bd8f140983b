using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Sessions;

public sealed class SessionQueries(IMarketplaceStore store, OfferingQueries offerings)
{
    /// <summary>
    /// One page of the sessions of an offering the caller may see (<see cref="OfferingQueries.GetAsync"/>), by start time:
    /// at most <paramref name="limit"/>, those after the session <paramref name="after"/> (the last of the previous page);
    /// with the offering and its provider, read once for the page.
    /// </summary>
    public async Task<OfferingSessions> ListAsync(Caller? caller, Guid offeringId, int limit, Guid? after, CancellationToken ct = default)
    {
        var (offering, provider) = await offerings.GetAsync(caller, offeringId, ct);
        SessionKey? from = null;
        if (after is { } id)
        {
            var last = await store.FindAsync<Session>(id, ct);
            if (last is null || last.OfferingId != offeringId)
                throw ValidationFailedException.For("after", "session.after-unknown");
            from = new SessionKey(last.StartsAt, last.Id);
        }
        return new OfferingSessions(offering, provider, await store.ListSessionsAsync(new SessionFilter(offeringId, limit, from), ct));
    }
}
