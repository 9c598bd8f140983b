using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>
/// Whether a school may book a group onto a session: the rules every booking path (a single booking, a series, a waiting-list
/// entry) checks after the reach check (what the school's district may not see is 404 before any of this).
/// </summary>
public static class BookingEligibility
{
    /// <summary>
    /// The reach check every booking path starts with: what the school's district may not know of (not public, provider not
    /// approved there, blocked there) is <paramref name="notFound"/>, unless the school holds a live booking of it: it still
    /// sees what it booked, so it is told why it cannot book more (409 <c>offering-not-bookable</c>: paused, blocked …).
    /// </summary>
    public static async Task EnsureShownAsync(IMarketplaceStore store, Offering offering, Provider provider, School school, Func<Exception> notFound,
        CancellationToken ct)
    {
        if (OfferingQueries.IsPublic(offering, provider) && DistrictReach.IsShownIn(offering, provider, school.DistrictCode)) return;
        throw await store.HasLiveBookingAsync(school.Id, offering.Id, ct) ? new DomainRuleException("offering-not-bookable") : notFound();
    }

    /// <summary>
    /// <see cref="EnsureShownAsync"/>, then how the offering stands for the school's district (<see cref="DistrictReach"/>):
    /// hidden is <paramref name="notFound"/>. Returns the reach and the school's district (null if the district is unknown).
    /// </summary>
    public static async Task<(Reach Reach, District? District)> ReachAsync(IMarketplaceStore store, Offering offering, Provider provider, School school,
        Func<Exception> notFound, CancellationToken ct)
    {
        await EnsureShownAsync(store, offering, provider, school, notFound, ct);
        var districts = await store.ListDistrictsAsync(ct);
        var district = districts.FirstOrDefault(d => d.Code == school.DistrictCode);
        var reach = district is null ? Reach.Hidden : DistrictReach.For(offering, provider, district, districts);
        return reach == Reach.Hidden ? throw notFound() : (reach, district);
    }

    public static void CheckRules(Session session, Offering offering, School school, Reach reach, int pupils, IReadOnlyList<int> grades, DateTimeOffset now)
    {
        CheckSession(session, now);
        CheckGroup(offering, school, reach, pupils, grades);
    }

    /// <summary>The session itself can still be booked: not cancelled, not started.</summary>
    public static void CheckSession(Session session, DateTimeOffset now)
    {
        if (session.Status == SessionStatus.Cancelled)
            throw new DomainRuleException("session-cancelled");
        if (session.StartsAt <= now)
            throw new DomainRuleException("session-past");
    }

    /// <summary>
    /// How long before a session starts bookings for it close: the offering's own <c>minLeadHours</c>, else the setting for its
    /// mode (请进来 on campus: 2 h by default; 走出去, and Both: 24 h, for transport and safety arrangements).
    /// </summary>
    public static TimeSpan LeadTime(Offering offering, BookingOptions options) =>
        offering.Content.MinLeadHours is { } hours ? TimeSpan.FromHours(hours)
        : offering.Content.Mode == DeliveryMode.OnCampus ? options.MinLeadOnCampus : options.MinLeadOffCampus;

    /// <summary>Whether the session starts late enough to be booked now.</summary>
    public static bool IsWithinLeadTime(Session session, Offering offering, BookingOptions options, DateTimeOffset now) =>
        session.StartsAt - now < LeadTime(offering, options);

    /// <summary>409 <c>booking-lead-time</c> (the lead in hours, and the earliest start bookable now) when the session starts too soon.</summary>
    public static void CheckLeadTime(Session session, Offering offering, BookingOptions options, DateTimeOffset now)
    {
        if (!IsWithinLeadTime(session, offering, options, now)) return;
        var lead = LeadTime(offering, options);
        throw new LeadTimeException((int)Math.Ceiling(lead.TotalHours), now + lead);
    }

    /// <summary>The group (pupils, grades) and the school may book this offering, whichever of its sessions.</summary>
    public static void CheckGroup(Offering offering, School school, Reach reach, int pupils, IReadOnlyList<int> grades)
    {
        var unserved = grades.Except(offering.Content.Grades).ToArray();
        if (unserved.Length > 0)
            throw ValidationFailedException.For("grades", "booking.grades-not-served", unserved);
        // Approved in the school's district but out of its reach: on campus elsewhere, or a venue beyond its travel limit.
        if (reach == Reach.DistrictNotServed)
            throw new DomainRuleException("district-not-served");
        if (reach == Reach.VenueTooFar)
            throw new DomainRuleException("venue-too-far");
        // maxGroup bounds one booking (the most pupils the provider takes as one group). minGroup bounds one booking only
        // on campus (请进来: the provider comes for this school's group alone); an off-campus session (走出去, and Both, which
        // takes the 走出去 rules) is filled by several schools' groups together, and is flagged to its provider when underfilled.
        if (pupils > offering.Content.MaxGroup)
            throw ValidationFailedException.For("pupils", "booking.max-group", offering.Content.MaxGroup);
        if (offering.Content.Mode == DeliveryMode.OnCampus && pupils < offering.Content.MinGroup)
            throw ValidationFailedException.For("pupils", "booking.min-group", offering.Content.MinGroup);
        var enrolled = school.Enrolment(grades);
        if (pupils > enrolled)
            throw ValidationFailedException.For("pupils", "booking.over-enrolment", enrolled);
    }
}

/// <summary>A session too soon to be booked: 409 with the lead in hours and the earliest start bookable now.</summary>
public sealed class LeadTimeException(int hours, DateTimeOffset earliest) : DomainRuleException("booking-lead-time", hours, earliest)
{
    public int LeadHours { get; } = hours;
    public DateTimeOffset Earliest { get; } = earliest;
    public override IReadOnlyDictionary<string, object?> Extensions => new Dictionary<string, object?> { ["leadHours"] = LeadHours, ["earliest"] = Earliest };
}
