using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families;

/// <summary>
/// Who may touch pupils' data (PIPL: a minor's personal information stays with the pupil's school and guardians): the school its
/// own pupils, a guardian its own children, a provider the consented class list of its own bookings, a bureau counts only.
/// </summary>
internal static class PupilAccess
{
    /// <summary>The caller's own school: another role is 403, another school 404 (someone else's resource is never confirmed).</summary>
    public static async Task<School> OwnSchoolAsync(IMarketplaceStore store, Caller caller, Guid schoolId, CancellationToken ct)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.pupils-school");
        if (caller.OrganizationId != schoolId) throw new NotFoundException("school", schoolId);
        return await store.FindAsync<School>(schoolId, ct) ?? throw new NotFoundException("school", schoolId);
    }

    public static void EnsureGuardian(Caller caller)
    {
        if (caller.Role != Role.Guardian) throw new ForbiddenException("forbidden.guardian-only");
    }

    /// <summary>The caller's own child: a pupil of anyone else's is 404, as if it did not exist.</summary>
    public static async Task<Pupil> OwnChildAsync(IMarketplaceStore store, Caller caller, Guid pupilId, CancellationToken ct)
    {
        EnsureGuardian(caller);
        var pupil = await store.FindAsync<Pupil>(pupilId, ct);
        return pupil is not null && pupil.HasGuardian(caller.UserId) ? pupil : throw new NotFoundException("pupil", pupilId);
    }
}

/// <summary>The consent text guardians agree to before a provider sees their child in a class list; its words are resources
/// (<c>consent.text</c>), this is their version. A new text gets a new version: consents to the old one no longer count.</summary>
public static class ConsentText
{
    public const string Version = "2026-12";
}
