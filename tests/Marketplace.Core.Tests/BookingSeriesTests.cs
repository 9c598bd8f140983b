using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

/// <summary>The series aggregate, its view, and the booking rules issue 13 changes.</summary>
public class BookingSeriesTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 7, 40, 0, TimeSpan.Zero);

    private static readonly BookingSnapshot Snapshot =
        new("校园足球训练营", "东城区青少年体育中心", "东城区第一实验小学", "东城区 1 号", "东城区", DeliveryMode.OnCampus, null, Now.AddDays(7).AddMinutes(90));

    private static BookingSeries Series(int sessions = 3, TimeSpan? window = null)
    {
        var facts = new SeriesFacts(Ids.New(), Ids.New(), Ids.New(), "110101", 12, [4, 3], " 四（2）班 ", "", "李老师", "13900001111", null,
            new DateOnly(2026, 9, 8), new DateOnly(2026, 9, 22), false, 500, window ?? TimeSpan.FromHours(48), Snapshot);
        var refs = Enumerable.Range(0, sessions).Select(i => new SeriesSession(Ids.New(), Ids.New(), Now.AddDays(7 * (i + 1)))).Reverse().ToArray();
        return BookingSeries.Request(Ids.New(), facts, refs, [], Now, "School:school1");
    }

    private static Booking BookingOf(BookingSeries series, SeriesSession s, int cutoffHours = 24) => Booking.Request(new BookingRequestFacts(
        s.SessionId, series.OfferingId, series.ProviderId, series.SchoolId, series.DistrictCode, series.Pupils, series.Grades, series.ContactName,
        series.ContactPhone, null, series.UnitPriceFen, s.StartsAt, cutoffHours, TimeSpan.FromHours(48), Snapshot)
    {
        SeriesId = series.Id, ClassName = series.ClassName, TeacherName = series.TeacherName,
    }, Now, "School:school1");

    /// <summary>A series and its bookings, as <see cref="BookingSeriesCommands.RequestAsync"/> makes them: the series names each booking.</summary>
    private static (BookingSeries Series, List<Booking> Bookings) SeriesWithBookings(int sessions)
    {
        var draft = Series(sessions);
        var bookings = draft.Sessions.Select(s => BookingOf(draft, s)).ToList();
        var facts = new SeriesFacts(draft.OfferingId, draft.ProviderId, draft.SchoolId, draft.DistrictCode, draft.Pupils, draft.Grades, draft.ClassName,
            draft.TeacherName, draft.ContactName, draft.ContactPhone, null, draft.From, draft.To, false, 500, TimeSpan.FromHours(48), Snapshot);
        return (BookingSeries.Request(draft.Id, facts, bookings.Select(b => new SeriesSession(b.SessionId, b.Id, b.SessionStartsAt)).ToArray(), [], Now, "School:school1"),
            bookings);
    }

    [Fact]
    public void Request_KeepsSessionsInStartOrder_TrimsNames_AndExpiresAfterTheResponseWindow()
    {
        var series = Series();

        Assert.Equal(SeriesStatus.Requested, series.Status);
        Assert.Equal(series.Sessions.OrderBy(s => s.StartsAt), series.Sessions);
        Assert.Equal("四（2）班", series.ClassName);
        Assert.Null(series.TeacherName);
        Assert.Equal([3, 4], series.Grades);
        Assert.Equal(Now.AddHours(48), series.ExpiresAt);
        Assert.Equal((1L, "School:school1"), (series.Version, series.History.Single().By));
    }

    [Fact]
    public void Confirm_AfterTheDeadline_IsSeriesExpired_AndEveryWrongMoveIsASeriesTransition()
    {
        var late = Series(window: TimeSpan.FromHours(1));
        Assert.Equal("series-expired", Assert.Throws<DomainRuleException>(() => late.Confirm(Now.AddHours(1), "Provider:p")).Code);

        var series = Series();
        series.Confirm(Now.AddHours(1), "Provider:p");
        Assert.Equal((SeriesStatus.Confirmed, 2L), (series.Status, series.Version));
        var refused = Assert.Throws<TransitionRefusedException>(() => series.Decline("无法安排", Now, "Provider:p"));
        Assert.Equal(("series-transition", "Confirmed"), (refused.Code, refused.CurrentStatus));
        Assert.Throws<TransitionRefusedException>(() => series.Expire(Now));
        series.Cancel(null, Now, "School:school1");
        Assert.Equal(SeriesStatus.Cancelled, series.Status);
        Assert.Throws<TransitionRefusedException>(() => series.Cancel(null, Now, "School:school1"));
    }

    [Fact]
    public void Expire_IsBySystem_WithTheExpiredCause()
    {
        var series = Series();
        series.Expire(Now.AddHours(49));
        Assert.Equal((SeriesStatus.Expired, "system", BookingCauses.Expired), (series.Status, series.History[^1].By, series.History[^1].Cause));
    }

    [Fact]
    public void View_CountsSessionsFromTheirBookings_AndTotalsOnlyLiveOrCompletedOnes()
    {
        var (series, bookings) = SeriesWithBookings(3);
        bookings[0].CancelBySchool(null, Now, "School:school1");
        bookings[1].Confirm(Now, "Provider:p");

        var view = BookingSeriesView.Of(series, bookings);

        Assert.Equal([BookingStatus.Cancelled, BookingStatus.Confirmed, BookingStatus.Requested], view.Sessions.Select(s => s.Status));
        Assert.Equal(new SeriesTotals(3, 1, 1, 0, 1, 0, 0, 24, 2 * 12 * 500), view.Totals);
        Assert.Equal(Snapshot.SessionEndsAt, view.Sessions[0].EndsAt);
        Assert.All(bookings, b => Assert.Equal((series.Id, "四（2）班"), (b.SeriesId, b.ClassName)));
    }

    /// <summary>Issue 13: a request made inside the cut-off could neither be confirmed in time nor withdrawn; now the school may withdraw it.</summary>
    [Fact]
    public void Requested_InsideCutoff_SchoolWithdraws_ButAConfirmedBookingStaysPastTheCutoff()
    {
        var series = Series(sessions: 2);
        var requested = BookingOf(series, series.Sessions[0], cutoffHours: 24 * 30);
        var confirmed = BookingOf(series, series.Sessions[1], cutoffHours: 24 * 30);
        confirmed.Confirm(Now, "Provider:p");

        requested.CancelBySchool(null, Now.AddMinutes(1), "School:school1");

        Assert.Equal(BookingStatus.Cancelled, requested.Status);
        Assert.Equal("booking-cancel-cutoff", Assert.Throws<DomainRuleException>(() => confirmed.CancelBySchool(null, Now.AddMinutes(1), "School:school1")).Code);
    }

    [Fact]
    public void SeatsUnavailable_NamesEveryShortSession_WhenThereIsMoreThanOne()
    {
        var (a, b) = (Ids.New(), Ids.New());
        var one = new SeatsUnavailableException(a, 2);
        var two = new SeatsUnavailableException([new SeatShortfall(a, 1), new SeatShortfall(b, 0)]);

        Assert.Equal(("seats-unavailable", 2), (one.Code, (int)one.Extensions["seatsLeft"]!));
        Assert.False(one.Extensions.ContainsKey("sessions"));
        Assert.Equal((a, 1), (two.SessionId, two.SeatsLeft));
        Assert.Equal(two.Shortfalls, two.Extensions["sessions"]);
        Assert.Throws<ArgumentException>(() => new SeatsUnavailableException([]));
    }

    [Fact]
    public void LeadTime_ComesFromTheOffering_ElseItsMode_AndBothTakesTheOffCampusRule()
    {
        var options = new BookingOptions();
        Assert.Equal(TimeSpan.FromHours(2), BookingEligibility.LeadTime(Offering(DeliveryMode.OnCampus), options));
        Assert.Equal(TimeSpan.FromHours(24), BookingEligibility.LeadTime(Offering(DeliveryMode.OffCampus), options));
        Assert.Equal(TimeSpan.FromHours(24), BookingEligibility.LeadTime(Offering(DeliveryMode.Both), options));
        Assert.Equal(TimeSpan.FromHours(48), BookingEligibility.LeadTime(Offering(DeliveryMode.OnCampus, minLeadHours: 48), options));
        Assert.Equal(TimeSpan.Zero, BookingEligibility.LeadTime(Offering(DeliveryMode.OffCampus, minLeadHours: 0), options));
    }

    [Fact]
    public void MinGroup_BoundsOnCampusBookingsOnly()
    {
        var school = new School(Ids.New(), "东城区第一实验小学", "110101", "东城区 1 号", 39.93, 116.41, new Dictionary<int, int> { [3] = 120 });
        var onCampus = Offering(DeliveryMode.OnCampus);
        var refused = Assert.Throws<ValidationFailedException>(() => BookingEligibility.CheckGroup(onCampus, school, Reach.Visible, 9, [3]));
        Assert.Equal("booking.min-group", refused.Errors["pupils"][0].Key);
        BookingEligibility.CheckGroup(onCampus, school, Reach.Visible, 10, [3]);
        BookingEligibility.CheckGroup(Offering(DeliveryMode.Both), school, Reach.Visible, 9, [3]);
    }

    private static Offering Offering(DeliveryMode mode, int? minLeadHours = null) => Marketplace.Core.Catalog.Offering.Create(Ids.New(), new OfferingContent(
        "校园足球训练营", "基础技术", "", Category.Sports, mode, [3, 4], 10, 40, 90, 500,
        mode == DeliveryMode.OnCampus ? null : new Venue("东城区体育馆路 1 号", 39.88, 116.42), ["110101"], [], 24)
    {
        MinLeadHours = minLeadHours,
    }, Now);
}
