using Marketplace.Core.Bookings;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families;

/// <summary>
/// Changes to pupils besides the roster import: the school deletes a pupil or a whole class (graduated, dissolved) and names the
/// pupils on its bookings; a guardian consents or withdraws; retention deletes pupils no roster has listed for a long time. A
/// guardian left without any child is deleted with its last child (nothing is kept about a family the platform no longer serves).
/// </summary>
public sealed class PupilCommands(IMarketplaceStore store, TimeProvider clock)
{
    /// <summary>Pupils one class purge or retention pass deletes at most per commit.</summary>
    public const int BatchSize = 200;

    public async Task DeleteAsync(Caller caller, Guid schoolId, Guid pupilId, CancellationToken ct = default)
    {
        var school = await PupilAccess.OwnSchoolAsync(store, caller, schoolId, ct);
        await ConcurrentChange.RetryAsync(async () =>
        {
            var pupil = await store.FindAsync<Pupil>(pupilId, ct);
            if (pupil is null || pupil.SchoolId != school.Id) throw new NotFoundException("pupil", pupilId);
            var now = clock.GetUtcNow();
            var changes = await DeletionAsync([pupil], ct);
            changes.Insert(AuditEntry.Record(caller, "pupils.delete", "pupil", pupil.Id.ToString(), now, school.DistrictCode, school.Id));
            await store.CommitAsync(changes, ct);
            return true;
        });
    }

    /// <summary>Deletes every pupil of one class (a graduated or dissolved class); the number deleted.</summary>
    public async Task<int> PurgeClassAsync(Caller caller, Guid schoolId, int? grade, string? className, CancellationToken ct = default)
    {
        new Validator().Require(grade is >= 1 and <= 9, "grade", new("validation.range", 1, 9))
            .Text(className, "className", Pupil.MaxClassLength).ThrowIfInvalid();
        var school = await PupilAccess.OwnSchoolAsync(store, caller, schoolId, ct);
        var deleted = 0;
        for (var round = 0; round < 1000; round++)
        {
            var batch = await ConcurrentChange.RetryAsync(async () =>
            {
                var pupils = await store.ListPupilsAsync(new PupilFilter(SchoolId: school.Id, Grade: grade, ClassName: className!.Trim(), Limit: BatchSize), ct);
                if (pupils.Count == 0) return 0;
                var changes = await DeletionAsync(pupils, ct);
                changes.Insert(AuditEntry.Record(caller, "pupils.purge-class", "school", school.Id.ToString(), clock.GetUtcNow(), school.DistrictCode, school.Id,
                    detail: $"grade={grade} class={className!.Trim()} deleted={pupils.Count}"));
                await store.CommitAsync(changes, ct);
                return pupils.Count;
            });
            deleted += batch;
            if (batch < BatchSize) break;
        }
        return deleted;
    }

    /// <summary>Retention: deletes pupils no roster import has listed since <paramref name="rosteredBefore"/>, in batches; the number deleted.</summary>
    public async Task<int> PurgeUnrosteredAsync(DateTimeOffset rosteredBefore, CancellationToken ct = default)
    {
        var deleted = 0;
        for (var round = 0; round < 1000; round++)
        {
            var batch = await ConcurrentChange.RetryAsync(async () =>
            {
                var pupils = await store.ListPupilsAsync(new PupilFilter(RosteredBefore: rosteredBefore, Limit: BatchSize), ct);
                if (pupils.Count == 0) return 0;
                await store.CommitAsync(await DeletionAsync(pupils, ct), ct);
                return pupils.Count;
            });
            deleted += batch;
            if (batch < BatchSize) break;
        }
        return deleted;
    }

    /// <summary>The guardian consents to <see cref="ConsentText.Version"/> (it must send the version it was shown); the pupil as it is now.</summary>
    public async Task<Pupil> ConsentAsync(Caller caller, Guid pupilId, string? textVersion, CancellationToken ct = default)
    {
        new Validator().Require(textVersion == ConsentText.Version, "textVersion", new("consent.version", ConsentText.Version)).ThrowIfInvalid();
        return await ChangeChildAsync(caller, pupilId, (p, now) => p.Consent(caller.UserId, textVersion!, now), ct);
    }

    public Task<Pupil> WithdrawAsync(Caller caller, Guid pupilId, CancellationToken ct = default) =>
        ChangeChildAsync(caller, pupilId, (p, now) => p.Withdraw(caller.UserId, now), ct);

    /// <summary>
    /// The school names which of its pupils go on its booking (at most the booking's pupil count): the record the provider's class
    /// list reads. Every id must be a pupil of this school. The next part's selection window fills the same record.
    /// </summary>
    public async Task<PupilAssignment> AssignAsync(Caller caller, Guid bookingId, IReadOnlyList<Guid>? pupilIds, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.pupils-school");
        var v = new Validator();
        if (v.Count(pupilIds, "pupilIds", PupilAssignment.MaxPupils)) v.Require(pupilIds!.Distinct().Count() == pupilIds!.Count, "pupilIds", new("pupils.repeated"));
        v.ThrowIfInvalid();
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var booking = await store.FindAsync<Booking>(bookingId, ct);
            if (booking is null || booking.SchoolId != caller.OrganizationId) throw new NotFoundException("booking", bookingId);
            if (pupilIds!.Count > booking.Pupils) throw ValidationFailedException.For("pupilIds", "pupils.more-than-booked", booking.Pupils);
            var pupils = (await store.FindManyAsync<Pupil>(pupilIds, ct)).Where(p => p.SchoolId == caller.OrganizationId).Select(p => p.Id).ToHashSet();
            var bad = new Validator();
            for (var i = 0; i < pupilIds.Count; i++)
                if (!pupils.Contains(pupilIds[i])) bad.Add($"pupilIds[{i}]", new("pupils.not-yours"));
            bad.ThrowIfInvalid();
            var assignment = await store.FindAsync<PupilAssignment>(bookingId, ct);
            var changes = new StoreChanges();
            if (assignment is null)
            {
                assignment = PupilAssignment.For(booking.Id, booking.SchoolId, booking.ProviderId);
                assignment.Set(pupilIds, clock.GetUtcNow());
                changes.Insert(assignment);
            }
            else
            {
                var expected = assignment.Version;
                assignment.Set(pupilIds, clock.GetUtcNow());
                changes.Update(assignment, expected);
            }
            await store.CommitAsync(changes, ct);
            return assignment;
        });
    }

    private Task<Pupil> ChangeChildAsync(Caller caller, Guid pupilId, Func<Pupil, DateTimeOffset, bool> change, CancellationToken ct) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var pupil = await PupilAccess.OwnChildAsync(store, caller, pupilId, ct);
            var expected = pupil.Version;
            if (change(pupil, clock.GetUtcNow())) await store.CommitAsync(new StoreChanges().Update(pupil, expected), ct);
            return pupil;
        });

    /// <summary>The pupils deleted, and each of their guardians left without any other child (read now; the version guards the commit).</summary>
    private async Task<StoreChanges> DeletionAsync(IReadOnlyList<Pupil> pupils, CancellationToken ct)
    {
        var changes = new StoreChanges();
        var gone = pupils.Select(p => p.Id).ToHashSet();
        foreach (var pupil in pupils) changes.Delete(pupil, pupil.Version);
        foreach (var guardianId in pupils.SelectMany(p => p.GuardianIds).Distinct())
        {
            var children = await store.ListPupilsAsync(new PupilFilter(GuardianId: guardianId, Limit: 100), ct);
            if (children.Any(c => !gone.Contains(c.Id))) continue;
            if (await store.FindAsync<User>(guardianId, ct) is { Role: Role.Guardian } guardian) changes.Delete(guardian, guardian.Version);
        }
        return changes;
    }
}
