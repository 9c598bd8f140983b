using Marketplace.Core.Bookings;
using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Mongo;

/// <summary>Booking series (issue 13).</summary>
internal sealed partial class MongoMarketplaceStore
{
    public Task<IReadOnlyList<BookingSeries>> ListBookingSeriesAsync(SeriesFilter filter, CancellationToken ct = default) =>
        FindAsync<BookingSeries>(SeriesQuery.Filter(filter), BookingQuery.NewestFirst, filter.Limit, ct);
}
