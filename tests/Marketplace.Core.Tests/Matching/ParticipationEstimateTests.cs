using Marketplace.Core.Bookings;
using Marketplace.Core.Matching;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using Marketplace.Core.Tests.Settlement;

namespace Marketplace.Core.Tests.Matching;

/// <summary>The participation estimate behind the under-served list, and the "far below the median" rule, computed by hand.</summary>
public class ParticipationEstimateTests
{
    private static readonly School School = new(Ids.New(), "东城区测试小学", "110101", "东城区 1 号", 39.9, 116.4,
        new Dictionary<int, int> { [1] = 50, [2] = 50, [3] = 60, [4] = 60, [5] = 70, [6] = 70 });

    private static Booking Delivered(int pupils, int attended, params int[] grades)
    {
        var startsAt = SettlementFixtures.Now.AddDays(3);
        var booking = SettlementFixtures.BookingWithoutQuote(School.Id, Ids.New(), pupils, 1000, startsAt, grades);
        booking.Confirm(SettlementFixtures.Now, "Provider:p");
        booking.Complete(attended, startsAt.AddMinutes(90), "Provider:p");
        return booking;
    }

    [Fact]
    public void PupilsServed_IsTheLargestDeliveredGroupPerBand_CappedByTheBandsEnrolment()
    {
        var confirmedOnly = SettlementFixtures.BookingWithoutQuote(School.Id, Ids.New(), 60, 1000, SettlementFixtures.Now.AddDays(3), [5]);
        confirmedOnly.Confirm(SettlementFixtures.Now, "Provider:p");
        Booking[] bookings =
        [
            Delivered(40, 30, 1, 2),  // band 1–2
            Delivered(45, 45, 2),     // band 1–2: the largest there, 45 ≤ 100
            Delivered(150, 150, 3, 4, 5), // band 3–4 (its lowest grade): 150, capped at that band's 120 pupils
            confirmedOnly,            // not delivered
            Delivered(30, 0, 6),      // nobody came: not delivered
        ];

        Assert.Equal(45 + 120, ParticipationEstimate.PupilsServed(School, bookings));
        Assert.Equal(0, ParticipationEstimate.PupilsServed(School, []));
    }

    [Fact]
    public void FarBelowTheMedian_IsUnderHalfOfIt_AndNeverWhenTheMedianIsZero()
    {
        Assert.Equal(0.25m, UnderServedQueries.Median([0.4m, 0.1m, 0.3m, 0.2m]));
        Assert.Equal(0.3m, UnderServedQueries.Median([0.4m, 0.1m, 0.3m]));
        Assert.Equal(0m, UnderServedQueries.Median([]));
        Assert.True(UnderServedQueries.IsLow(0.12m, 0.25m));
        Assert.False(UnderServedQueries.IsLow(0.125m, 0.25m));
        Assert.False(UnderServedQueries.IsLow(0m, 0m));
    }
}
