using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>Series are seen as their bookings are: a school its own, a provider those on its offerings, a bureau those of its districts.</summary>
public sealed class BookingSeriesQueries(IMarketplaceStore store)
{
    public async Task<BookingSeries> GetAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        var series = await store.FindAsync<BookingSeries>(id, ct);
        return series is not null && CanSee(caller, series) ? series : throw new NotFoundException("booking-series", id);
    }

    /// <summary>The caller's series, newest first, <paramref name="limit"/> at most, created before <paramref name="before"/> when given.</summary>
    public Task<IReadOnlyList<BookingSeries>> ListAsync(Caller caller, SeriesStatus? status, int limit, Guid? before, CancellationToken ct = default) =>
        store.ListBookingSeriesAsync(caller.Role switch
        {
            Role.School => new SeriesFilter(SchoolId: caller.OrganizationId, Status: status, Limit: limit, Before: before),
            Role.Provider => new SeriesFilter(ProviderId: caller.OrganizationId, Status: status, Limit: limit, Before: before),
            _ => new SeriesFilter(Districts: caller.Districts, Status: status, Limit: limit, Before: before),
        }, ct);

    public async Task<BookingSeriesView> ViewAsync(BookingSeries series, CancellationToken ct = default) => (await ViewsAsync([series], ct))[0];

    /// <summary>The series with their sessions' states and totals: one batched read of all their bookings.</summary>
    public async Task<IReadOnlyList<BookingSeriesView>> ViewsAsync(IReadOnlyList<BookingSeries> series, CancellationToken ct = default)
    {
        var ids = series.SelectMany(s => s.Sessions.Select(x => x.BookingId)).ToArray();
        var bookings = (await store.FindManyAsync<Booking>(ids, ct)).ToLookup(b => b.SeriesId);
        return series.Select(s => BookingSeriesView.Of(s, bookings[s.Id].ToArray())).ToList();
    }

    private static bool CanSee(Caller caller, BookingSeries s) => caller.Role switch
    {
        Role.School => s.SchoolId == caller.OrganizationId,
        Role.Provider => s.ProviderId == caller.OrganizationId,
        _ => caller.Oversees(s.DistrictCode),
    };
}
