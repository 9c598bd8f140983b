using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Sqlite;

/// <summary>Booking series (issue 13).</summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<BookingSeries>> ListBookingSeriesAsync(SeriesFilter filter, CancellationToken ct = default)
    {
        var (sql, parameters) = SqliteListQueries.Series(filter);
        return Task.FromResult(QueryDocs<BookingSeries>(sql, parameters));
    }
}
