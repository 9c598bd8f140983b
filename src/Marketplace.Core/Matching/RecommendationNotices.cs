using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Matching;

/// <summary>What a send did: the notices written, and the under-served schools left out because nothing fits them now.</summary>
public sealed record NoticesSent(string DistrictCode, string Semester, DateTimeOffset SentAt, IReadOnlyList<NoticeSentTo> Sent, IReadOnlyList<NoticeSentTo> NothingToSend);

public sealed record NoticeSentTo(Guid SchoolId, string SchoolName, Guid? NoticeId, int Items);

/// <summary>
/// The bureau sends its under-served schools their recommendations (issue 16, "send the list"): one <see cref="RecommendationNotice"/>
/// per school, written in one commit and pushed live to each school; the school reads what it was sent on its plan page.
/// </summary>
public sealed class RecommendationNotices(IMarketplaceStore store, UnderServedQueries underServed, TimeProvider clock)
{
    public const int MaxListed = 20;

    /// <summary>
    /// The district's own bureau only (a city bureau reads its districts, never writes). Every under-served school with at least one
    /// recommendation, or those of <paramref name="schoolIds"/> — each must be on the list (400 otherwise: nothing is sent).
    /// </summary>
    public async Task<NoticesSent> SendAsync(Caller caller, string district, string? semester, IReadOnlyCollection<Guid>? schoolIds, CancellationToken ct = default)
    {
        if (caller.Role != Role.Bureau) throw new ForbiddenException("forbidden.report-send");
        if (!caller.IsBureauOf(district)) throw new ForbiddenException("forbidden.report-district", district);
        var report = await underServed.GetAsync(caller, district, semester, recommend: true, ct);
        var chosen = report.UnderServed.ToList();
        if (schoolIds is { Count: > 0 })
        {
            var listed = chosen.Select(s => s.SchoolId).ToHashSet();
            var missing = schoolIds.Where(id => !listed.Contains(id)).ToArray();
            if (missing.Length > 0) throw ValidationFailedException.For("schoolIds", "report.send-not-listed", string.Join(", ", missing));
            chosen = chosen.Where(s => schoolIds.Contains(s.SchoolId)).ToList();
        }
        var bureauName = (await store.FindAsync<Identity.Bureau>(caller.OrganizationId, ct))?.Name ?? caller.Username;
        var now = clock.GetUtcNow();
        var changes = new StoreChanges();
        var sent = new List<NoticeSentTo>();
        var empty = new List<NoticeSentTo>();
        foreach (var school in chosen)
        {
            if (school.Recommendations.Count == 0)
            {
                empty.Add(new NoticeSentTo(school.SchoolId, school.SchoolName, null, 0));
                continue;
            }
            var notice = RecommendationNotice.Send(school, report.Semester, caller, bureauName, now);
            changes.Insert(notice).Publish(MatchingEvents.Sent(notice));
            sent.Add(new NoticeSentTo(school.SchoolId, school.SchoolName, notice.Id, notice.Items.Count));
        }
        if (sent.Count > 0) await store.CommitAsync(changes, ct);
        return new NoticesSent(district, report.Semester, now, sent, empty);
    }

    /// <summary>The notices a school was sent, newest first: the school itself and the bureaus overseeing it; anyone else is told the school does not exist.</summary>
    public async Task<IReadOnlyList<RecommendationNotice>> ForSchoolAsync(Caller caller, Guid schoolId, int? limit, CancellationToken ct = default)
    {
        var school = await store.FindAsync<School>(schoolId, ct);
        if (school is null || !(caller.Role == Role.School && caller.OrganizationId == school.Id || caller.Oversees(school.DistrictCode)))
            throw new NotFoundException("school", schoolId);
        if (limit is not null and (< 1 or > MaxListed)) throw ValidationFailedException.For("limit", "validation.range", 1, MaxListed);
        return await store.ListRecommendationNoticesAsync(schoolId, limit ?? MaxListed, ct);
    }

    /// <summary>The school marks a notice read (idempotent).</summary>
    public async Task<RecommendationNotice> MarkReadAsync(Caller caller, Guid noticeId, CancellationToken ct = default)
    {
        var notice = await store.FindAsync<RecommendationNotice>(noticeId, ct);
        if (notice is null || caller.Role != Role.School || caller.OrganizationId != notice.SchoolId) throw new NotFoundException("notice", noticeId);
        var expected = notice.Version;
        if (notice.MarkRead(clock.GetUtcNow())) await store.CommitAsync(new StoreChanges().Update(notice, expected), ct);
        return notice;
    }
}
