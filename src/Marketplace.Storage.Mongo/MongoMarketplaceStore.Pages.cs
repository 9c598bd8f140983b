using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Mongo;

/// <summary>The paged list queries: the keyset filter, sort and limit go to the server, so a page reads a page.</summary>
internal sealed partial class MongoMarketplaceStore
{
    public Task<IReadOnlyList<Provider>> ListProvidersAsync(ProviderFilter filter, CancellationToken ct = default) =>
        FindAsync<Provider>(ListQuery.Providers(filter), ListQuery.ById, filter.Limit, ct);

    public Task<IReadOnlyList<Offering>> ListOfferingsAsync(OfferingFilter filter, CancellationToken ct = default) =>
        FindAsync<Offering>(ListQuery.Offerings(filter), ListQuery.ById, filter.Limit, ct);

    public Task<IReadOnlyList<Session>> ListSessionsAsync(SessionFilter filter, CancellationToken ct = default) =>
        FindAsync<Session>(ListQuery.Sessions(filter), ListQuery.ByStartThenId, filter.Limit, ct);
}
