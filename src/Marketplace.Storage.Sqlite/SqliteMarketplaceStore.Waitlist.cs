using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Sqlite;

/// <summary>The waiting list (issue 13): entries in queue order.</summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<WaitlistEntry>> ListWaitlistAsync(WaitlistFilter filter, CancellationToken ct = default)
    {
        var (sql, parameters) = SqliteListQueries.Waitlist(filter);
        return Task.FromResult(QueryDocs<WaitlistEntry>(sql, parameters));
    }
}
