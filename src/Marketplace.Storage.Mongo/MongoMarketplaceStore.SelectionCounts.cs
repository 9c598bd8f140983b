using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>A window's applications counted (the school's pager): the list's filter without its cursor, over ix_window_class.</summary>
internal sealed partial class MongoMarketplaceStore
{
    public async Task<int> CountSelectionApplicationsAsync(SelectionApplicationFilter filter, CancellationToken ct = default) =>
        (int)await Collection<SelectionApplication>().CountDocumentsAsync(FamilyQuery.SelectionApplications(filter with { After = null }), cancellationToken: ct);
}
