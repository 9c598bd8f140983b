using System.Reflection;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

/// <summary>Booking lists carry what a person reads without one look-up per row (issue 11).</summary>
public class BookingViewTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 7, 40, 0, TimeSpan.Zero);

    [Fact]
    public async Task FiveHundredBookingsWithSnapshots_NeedNoStoreQuery()
    {
        var (store, calls) = CountingStore.Create();
        var bookings = Enumerable.Range(0, 500).Select(i => Booking(withSnapshot: true)).ToList();

        var views = await new BookingQueries(store).ViewsAsync(bookings);

        Assert.Equal(500, views.Count);
        Assert.Empty(calls);
        Assert.All(views, v => Assert.Equal("少儿机器人编程", v.OfferingTitle));
        Assert.All(views, v => Assert.Equal("东城区", v.DistrictName));
    }

    [Fact]
    public async Task FiveHundredOlderBookings_AreFilledByOneBatchedLookUpPerKind()
    {
        var (store, calls) = CountingStore.Create();
        var bookings = Enumerable.Range(0, 500).Select(i => Booking(withSnapshot: false)).ToList();

        var views = await new BookingQueries(store).ViewsAsync(bookings);

        Assert.Equal(500, views.Count);
        Assert.Equal(["FindManyAsync", "FindManyAsync", "FindManyAsync", "FindManyAsync", "ListDistrictsAsync"], calls);
    }

    [Fact]
    public void TheView_NamesTheLatestReason()
    {
        var booking = Booking(withSnapshot: true);
        booking.Decline("场地维修 / venue closed", Now, "Provider:p1");
        var view = BookingView.From(booking, booking.Snapshot!);
        Assert.Equal("场地维修 / venue closed", view.StatusReason);
        Assert.Equal(BookingStatus.Declined, view.Status);
    }

    private static Booking Booking(bool withSnapshot)
    {
        var startsAt = Now.AddDays(3);
        var snapshot = new BookingSnapshot("少儿机器人编程", "东城区科协", "东城区第一小学", "东城区某路 1 号", "东城区", DeliveryMode.OnCampus, null, startsAt.AddMinutes(90));
        var booking = Bookings.Booking.Request(new BookingRequestFacts(Ids.New(), Ids.New(), Ids.New(), Ids.New(), "110101", 20, [3], "王老师", "13800138000",
            null, 1_200, startsAt, 24, TimeSpan.FromHours(48), snapshot), Now, "School:s1");
        if (withSnapshot) return booking;
        // A booking stored before snapshots existed: its document has no "snapshot".
        var json = StoreJson.Serialize(booking).Replace(",\"snapshot\":", ",\"_dropped\":", StringComparison.Ordinal);
        return StoreJson.Deserialize<Booking>(json);
    }

    /// <summary>A store that answers every call empty and records which were made.</summary>
    public class CountingStore : DispatchProxy
    {
        private List<string> _calls = [];

        public static (IMarketplaceStore Store, List<string> Calls) Create()
        {
            var store = Create<IMarketplaceStore, CountingStore>();
            var calls = new List<string>();
            ((CountingStore)(object)store)._calls = calls;
            return (store, calls);
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            _calls.Add(targetMethod!.Name);
            var result = targetMethod.ReturnType.GetGenericArguments()[0];
            var empty = result.IsGenericType && result.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)
                ? Array.CreateInstance(result.GetGenericArguments()[0], 0) : null;
            return typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(result).Invoke(null, [empty]);
        }
    }
}
