using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Storage.Mongo;

/// <summary>Accounts and audit: the filters are <see cref="AccountQuery"/>'s; sort and limit go to the server.</summary>
internal sealed partial class MongoMarketplaceStore
{
    public Task<IReadOnlyList<User>> ListUsersAsync(UserFilter filter, CancellationToken ct = default) =>
        FindAsync<User>(AccountQuery.Users(filter), ListQuery.ById, filter.Limit, ct);

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditFilter filter, CancellationToken ct = default) =>
        FindAsync<AuditEntry>(AccountQuery.Audit(filter), AccountQuery.NewestFirst, filter.Limit, ct);

    public Task<IReadOnlyList<Bureau>> ListBureausAsync(BureauFilter filter, CancellationToken ct = default) =>
        FindAsync<Bureau>(AccountQuery.Bureaus(filter), ListQuery.ById, filter.Limit, ct);
}
