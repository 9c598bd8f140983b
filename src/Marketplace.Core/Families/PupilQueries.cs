using Marketplace.Core.Bookings;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families;

/// <summary>A pupil with its guardians as the school sees them (name and phone: the school contacts families).</summary>
public sealed record RosterPupil(Pupil Pupil, IReadOnlyList<User> Guardians);

/// <summary>A guardian's child: the pupil and its school's name.</summary>
public sealed record Child(Pupil Pupil, string SchoolName);

/// <summary>One line of a provider's class list: name, grade and class — never a phone, never a guardian.</summary>
public sealed record ClassListEntry(Guid PupilId, string Name, int Grade, string ClassName);

/// <summary>The class list of a booking. <see cref="WithoutConsent"/>: assigned pupils left out for want of a guardian's consent
/// (a count; the school sees who in its own roster).</summary>
public sealed record ClassList(Guid BookingId, IReadOnlyList<ClassListEntry> Pupils, int WithoutConsent);

/// <summary>A school's pupil counts for a bureau: numbers only, never a pupil.</summary>
public sealed record SchoolPupilCount(Guid SchoolId, string SchoolName, string DistrictCode, int Pupils, int Consented);

public sealed class PupilQueries(IMarketplaceStore store)
{
    /// <summary>The school's own pupils with their guardians, a page in id order.</summary>
    public async Task<IReadOnlyList<RosterPupil>> ListAsync(Caller caller, Guid schoolId, int? grade, string? className, int limit, Guid? after,
        CancellationToken ct = default)
    {
        await PupilAccess.OwnSchoolAsync(store, caller, schoolId, ct);
        var pupils = await store.ListPupilsAsync(new PupilFilter(SchoolId: schoolId, Grade: grade, ClassName: className, Limit: limit, After: after), ct);
        var guardians = (await store.FindManyAsync<User>(pupils.SelectMany(p => p.GuardianIds).Distinct().ToArray(), ct)).ToDictionary(u => u.Id);
        return [.. pupils.Select(p => new RosterPupil(p, [.. p.GuardianIds.Where(guardians.ContainsKey).Select(id => guardians[id])]))];
    }

    /// <summary>The guardian's own children, in every school (one guardian, several children, possibly several schools).</summary>
    public async Task<IReadOnlyList<Child>> ChildrenAsync(Caller caller, CancellationToken ct = default)
    {
        PupilAccess.EnsureGuardian(caller);
        var pupils = await store.ListPupilsAsync(new PupilFilter(GuardianId: caller.UserId, Limit: 100), ct);
        return await WithSchoolsAsync(pupils, ct);
    }

    public async Task<Child> ChildAsync(Caller caller, Guid pupilId, CancellationToken ct = default) =>
        (await WithSchoolsAsync([await PupilAccess.OwnChildAsync(store, caller, pupilId, ct)], ct))[0];

    /// <summary>
    /// A booking's class list. Its provider gets the pupils whose guardian consented to the current text (name, grade, class); its
    /// school the same list; anyone else 404 (403 for a guardian or a bureau: they never read class lists).
    /// </summary>
    public async Task<ClassList> ClassListAsync(Caller caller, Guid bookingId, CancellationToken ct = default)
    {
        if (caller.Role is not (Role.School or Role.Provider)) throw new ForbiddenException("forbidden.class-list");
        var booking = await store.FindAsync<Booking>(bookingId, ct);
        var mine = booking is not null && (caller.Role == Role.School ? booking.SchoolId : booking.ProviderId) == caller.OrganizationId;
        if (!mine) throw new NotFoundException("booking", bookingId);
        var assignment = await store.FindAsync<PupilAssignment>(bookingId, ct);
        if (assignment is null) return new ClassList(bookingId, [], 0);
        var pupils = await store.FindManyAsync<Pupil>(assignment.PupilIds, ct);
        var consented = pupils.Where(p => p.ConsentedTo(ConsentText.Version)).OrderBy(p => p.Grade).ThenBy(p => p.ClassName, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal).Select(p => new ClassListEntry(p.Id, p.Name, p.Grade, p.ClassName)).ToArray();
        return new ClassList(bookingId, consented, pupils.Count - consented.Length);
    }

    /// <summary>A bureau's (district or city) pupil counts per school of its districts, or of one of them: numbers only.</summary>
    public async Task<IReadOnlyList<SchoolPupilCount>> CountsAsync(Caller caller, string? district, CancellationToken ct = default)
    {
        if (caller.Role is not (Role.Bureau or Role.CityBureau)) throw new ForbiddenException("forbidden.pupil-counts");
        if (district is not null && !caller.Oversees(district)) throw new ForbiddenException("forbidden.pupil-counts-district", district);
        var counts = await store.CountPupilsAsync(district is null ? caller.Districts : [district], ct);
        var schools = (await store.FindManyAsync<School>(counts.Select(c => c.SchoolId).ToArray(), ct)).ToDictionary(s => s.Id);
        return [.. counts.Select(c => new SchoolPupilCount(c.SchoolId, schools.GetValueOrDefault(c.SchoolId)?.Name ?? "", c.DistrictCode, c.Pupils, c.Consented))
            .OrderBy(c => c.DistrictCode, StringComparer.Ordinal).ThenBy(c => c.SchoolName, StringComparer.Ordinal)];
    }

    private async Task<IReadOnlyList<Child>> WithSchoolsAsync(IReadOnlyList<Pupil> pupils, CancellationToken ct)
    {
        var schools = (await store.FindManyAsync<School>(pupils.Select(p => p.SchoolId).Distinct().ToArray(), ct)).ToDictionary(s => s.Id);
        return [.. pupils.Select(p => new Child(p, schools.GetValueOrDefault(p.SchoolId)?.Name ?? ""))];
    }
}
