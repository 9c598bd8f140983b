using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>A school sees its own bookings, a provider those on its offerings, a bureau (district or city) those of its districts' schools.</summary>
public sealed class BookingQueries(IMarketplaceStore store)
{
    public async Task<Booking> GetAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        var booking = await store.FindAsync<Booking>(id, ct);
        return booking is not null && CanSee(caller, booking) ? booking : throw new NotFoundException("booking", id);
    }

    /// <summary>The caller's bookings, newest first, <paramref name="limit"/> at most, created before <paramref name="before"/> when given.</summary>
    public Task<IReadOnlyList<Booking>> ListAsync(Caller caller, BookingStatus? status, Guid? offeringId, int limit, Guid? before, CancellationToken ct = default) =>
        store.ListBookingsAsync(caller.Role switch
        {
            Role.School => new BookingFilter(SchoolId: caller.OrganizationId, Status: status, OfferingId: offeringId, Limit: limit, Before: before),
            Role.Provider => new BookingFilter(ProviderId: caller.OrganizationId, Status: status, OfferingId: offeringId, Limit: limit, Before: before),
            _ => new BookingFilter(Districts: caller.Districts, Status: status, OfferingId: offeringId, Limit: limit, Before: before),
        }, ct);

    /// <summary>How many completed bookings <see cref="ListDisputedAsync"/> reads at most (newest first) to find the disputed ones.</summary>
    public const int DisputedScanLimit = 5000;

    /// <summary>
    /// The disputed deliveries (据实结算: the school disputes the recorded attendance) of the caller's districts awaiting the bureau's
    /// decision, newest booking first, at most <paramref name="limit"/>. A district or city bureau only. The store has no index on the
    /// delivery's state, so this reads the districts' completed bookings in pages, the newest <see cref="DisputedScanLimit"/> at most.
    /// </summary>
    public async Task<IReadOnlyList<Booking>> ListDisputedAsync(Caller caller, int limit, CancellationToken ct = default)
    {
        if (caller.Role is not (Role.Bureau or Role.CityBureau)) throw new ForbiddenException("forbidden.delivery-bureau");
        limit = Math.Clamp(limit, 1, 500);
        var found = new List<Booking>();
        Guid? before = null;
        for (var read = 0; read < DisputedScanLimit && found.Count < limit;)
        {
            var page = await store.ListBookingsAsync(new BookingFilter(Districts: caller.Districts, Status: BookingStatus.Completed, Limit: 500, Before: before), ct);
            found.AddRange(page.Where(b => b.Delivery is { Status: DeliveryStatus.Disputed }));
            read += page.Count;
            if (page.Count < 500) break;
            before = page[^1].Id;
        }
        return found.Take(limit).ToList();
    }

    /// <summary>A school's profile for the caller: the school itself and its bureau (<see cref="SchoolQueries"/>), or a provider
    /// the school has booked, so that it knows whom it confirms. Anyone else: not found.</summary>
    public async Task<School> SchoolAsync(Caller caller, Guid schoolId, CancellationToken ct = default)
    {
        if (caller.Role != Role.Provider) return await new SchoolQueries(store).GetAsync(caller, schoolId, ct);
        var booked = await store.ListBookingsAsync(new BookingFilter(SchoolId: schoolId, ProviderId: caller.OrganizationId, Limit: 1), ct);
        return booked.Count > 0 && await store.FindAsync<School>(schoolId, ct) is { } school ? school : throw new NotFoundException("school", schoolId);
    }

    public async Task<BookingView> ViewAsync(Booking booking, CancellationToken ct = default) => (await ViewsAsync([booking], ct))[0];

    /// <summary>
    /// The bookings as clients read them. Bookings carry their snapshot since they were made, so this costs no query;
    /// bookings stored before snapshots existed get theirs from one batched look-up per kind (never one per row).
    /// </summary>
    public async Task<IReadOnlyList<BookingView>> ViewsAsync(IReadOnlyList<Booking> bookings, CancellationToken ct = default)
    {
        var missing = bookings.Where(b => b.Snapshot is null).ToList();
        if (missing.Count == 0) return bookings.Select(b => BookingView.From(b, b.Snapshot!)).ToList();

        var offerings = (await store.FindManyAsync<Offering>(Ids(missing, b => b.OfferingId), ct)).ToDictionary(o => o.Id);
        var providers = (await store.FindManyAsync<Provider>(Ids(missing, b => b.ProviderId), ct)).ToDictionary(p => p.Id);
        var schools = (await store.FindManyAsync<School>(Ids(missing, b => b.SchoolId), ct)).ToDictionary(s => s.Id);
        var sessions = (await store.FindManyAsync<Session>(Ids(missing, b => b.SessionId), ct)).ToDictionary(s => s.Id);
        var districts = (await store.ListDistrictsAsync(ct)).ToDictionary(d => d.Code, d => d.Name);
        return bookings.Select(b => BookingView.From(b, b.Snapshot ?? new BookingSnapshot(
            offerings.GetValueOrDefault(b.OfferingId)?.Content.Title ?? "", providers.GetValueOrDefault(b.ProviderId)?.Name ?? "",
            schools.GetValueOrDefault(b.SchoolId)?.Name ?? "", schools.GetValueOrDefault(b.SchoolId)?.Address ?? "",
            districts.GetValueOrDefault(b.DistrictCode, b.DistrictCode), offerings.GetValueOrDefault(b.OfferingId)?.Content.Mode ?? DeliveryMode.OnCampus,
            offerings.GetValueOrDefault(b.OfferingId)?.Content.Venue?.Address, sessions.GetValueOrDefault(b.SessionId)?.EndsAt ?? b.SessionStartsAt))).ToList();
    }

    /// <summary>The snapshot a new booking keeps of what it was made on.</summary>
    public static BookingSnapshot SnapshotOf(Offering offering, Provider provider, School school, Session session, string districtName) =>
        new(offering.Content.Title, provider.Name, school.Name, school.Address, districtName, offering.Content.Mode, offering.Content.Venue?.Address, session.EndsAt)
        {
            Category = offering.Content.Category,
        };

    /// <summary>
    /// The school's plan for a semester with its summary (<see cref="PlanSummary"/>), for whoever may read the plan (the school, its
    /// bureau). Here rather than in Schools, which may not read bookings. A semester name that is not one (<c>2026-2028-1</c>, accepted
    /// by older saves) has no dates to sum over: no summary.
    /// </summary>
    public async Task<(SchoolPlan Plan, PlanSummary? Summary)> PlanSummaryAsync(Caller caller, Guid schoolId, string semester, CancellationToken ct = default)
    {
        var plan = await new SchoolQueries(store).GetPlanAsync(caller, schoolId, semester, ct);
        return (plan, await PlanSummaryOfAsync(plan, ct));
    }

    /// <summary>The summary of a plan the caller was allowed to read (or has just saved).</summary>
    public async Task<PlanSummary?> PlanSummaryOfAsync(SchoolPlan plan, CancellationToken ct = default)
    {
        if (!Semester.TryParse(plan.Semester, out var term)) return null;
        var bookings = (await PlanAdvisor.BookingsInAsync(store, plan.SchoolId, term, ct))
            .Where(b => b.Status is BookingStatus.Requested or BookingStatus.Confirmed or BookingStatus.Completed).ToList();
        // Bookings made before snapshots kept the category: one look-up of their offerings.
        var unknown = bookings.Where(b => b.Snapshot?.Category is null).Select(b => b.OfferingId).Distinct().ToArray();
        var categories = unknown.Length == 0 ? [] : (await store.FindManyAsync<Offering>(unknown, ct)).ToDictionary(o => o.Id, o => o.Content.Category);
        Category? CategoryOf(Booking b) => b.Snapshot?.Category ?? (categories.TryGetValue(b.OfferingId, out var c) ? c : null);
        static int Pupils(Booking b) => b.Status == BookingStatus.Completed && b.Attended is { } attended ? attended : b.Pupils;

        var byCategory = bookings.Where(b => CategoryOf(b) is not null).GroupBy(b => (Category: CategoryOf(b)!.Value, b.OfferingId))
            .GroupBy(offering => offering.Key.Category, offering => offering.Max(b => b.Pupils))
            .ToDictionary(category => category.Key, category => category.Sum());
        var committed = bookings.Sum(PlanAdvisor.CommittedFen);
        var outside = bookings.Count(b => !PlanAdvisor.Fits(plan, b.SessionStartsAt, b.Snapshot?.SessionEndsAt ?? b.SessionStartsAt));
        return new PlanSummary(bookings.Select(b => b.SessionId).Distinct().Count(), bookings.Sum(Pupils), byCategory, committed, plan.BudgetFen,
            plan.BudgetFen - committed, outside);
    }

    private static Guid[] Ids(IEnumerable<Booking> bookings, Func<Booking, Guid> id) => bookings.Select(id).Distinct().ToArray();

    private static bool CanSee(Caller caller, Booking b) => caller.Role switch
    {
        Role.School => b.SchoolId == caller.OrganizationId,
        Role.Provider => b.ProviderId == caller.OrganizationId,
        _ => caller.Oversees(b.DistrictCode), // a district bureau its district's, a city bureau its city's (read only)
    };
}
