using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>
/// Whether a school may book a group onto a session: the rules every booking path (a single booking, a series, a waiting-list
/// entry) checks after the reach check (what the school's district may not see is 404 before any of this).
/// </summary>
public static class BookingEligibility
{
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
        // maxGroup bounds one booking (the most pupils the provider takes as one group). minGroup is not checked per
        // booking: an off-campus session is filled by several schools' groups together.
        if (pupils > offering.Content.MaxGroup)
            throw ValidationFailedException.For("pupils", "booking.max-group", offering.Content.MaxGroup);
        var enrolled = school.Enrolment(grades);
        if (pupils > enrolled)
            throw ValidationFailedException.For("pupils", "booking.over-enrolment", enrolled);
    }
}
