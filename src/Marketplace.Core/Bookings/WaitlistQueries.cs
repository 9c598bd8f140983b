using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>What clients read of a waiting-list entry; <see cref="Position"/> is its place among the Waiting groups (1 = next), null otherwise.</summary>
public sealed record WaitlistEntryView(
    Guid Id, WaitlistStatus Status, int? Position, Guid SessionId, Guid OfferingId, Guid SchoolId, int Pupils, IReadOnlyList<int> Grades,
    string ContactName, string ContactPhone, string? Note, DateTimeOffset? HeldUntil, Guid? BookingId, DateTimeOffset CreatedAt, long Version,
    IReadOnlyList<WaitlistHistoryEntry> History)
{
    public static WaitlistEntryView From(WaitlistEntry e, int? position) => new(e.Id, e.Status, position, e.SessionId, e.OfferingId, e.SchoolId,
        e.Pupils, e.Grades, e.ContactName, e.ContactPhone, e.Note, e.HeldUntil, e.BookingId, e.CreatedAt, e.Version, e.History);
}

/// <summary>A school's entry with what a person reads of it: the offering's title and the session's times.</summary>
public sealed record OwnWaitlistEntry(WaitlistEntryView Entry, string OfferingTitle, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

/// <summary>A session's waiting list: the provider sees all of it, a school its own entries, a bureau its districts' schools'.</summary>
public sealed class WaitlistQueries(IMarketplaceStore store)
{
    public async Task<WaitlistEntry> GetAsync(Caller caller, Guid sessionId, Guid entryId, CancellationToken ct = default)
    {
        var entry = await store.FindAsync<WaitlistEntry>(entryId, ct);
        return entry is not null && entry.SessionId == sessionId && CanSee(caller, entry) ? entry : throw new NotFoundException("waitlist-entry", entryId);
    }

    /// <summary>The entries the caller may see, in queue order (the store's id order), each with its position among the Waiting ones.</summary>
    public async Task<IReadOnlyList<WaitlistEntryView>> ListAsync(Caller caller, Guid sessionId, CancellationToken ct = default)
    {
        var all = await store.ListWaitlistAsync(new WaitlistFilter(SessionId: sessionId, Limit: 10_000), ct);
        return await ViewsAsync(all.Where(e => CanSee(caller, e)).ToList(), all, ct);
    }

    /// <summary>
    /// A school's own entries on every session (the web UI's waiting-list page), newest first, at most <paramref name="limit"/>;
    /// each Waiting one with its position in its session's queue. Only a school has entries of its own.
    /// </summary>
    public async Task<IReadOnlyList<OwnWaitlistEntry>> ListOwnAsync(Caller caller, int limit = 200, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.schools-book");
        var own = await store.ListWaitlistAsync(new WaitlistFilter(SchoolId: caller.OrganizationId, Limit: 10_000), ct);
        var shown = own.Reverse().Take(limit).ToList();
        var views = new List<OwnWaitlistEntry>(shown.Count);
        var titles = new Dictionary<Guid, string>();
        foreach (var entry in shown)
        {
            if (!titles.TryGetValue(entry.OfferingId, out var title))
                titles[entry.OfferingId] = title = (await store.FindAsync<Offering>(entry.OfferingId, ct))?.Content.Title ?? "";
            var session = await store.FindAsync<Session>(entry.SessionId, ct);
            views.Add(new OwnWaitlistEntry(await ViewAsync(entry, ct), title, session?.StartsAt, session?.EndsAt));
        }
        return views;
    }

    public async Task<WaitlistEntryView> ViewAsync(WaitlistEntry entry, CancellationToken ct = default)
    {
        var all = entry.Status == WaitlistStatus.Waiting
            ? await store.ListWaitlistAsync(new WaitlistFilter(SessionId: entry.SessionId, Status: WaitlistStatus.Waiting, Limit: 10_000), ct)
            : [];
        return (await ViewsAsync([entry], all, ct))[0];
    }

    private static Task<IReadOnlyList<WaitlistEntryView>> ViewsAsync(IReadOnlyList<WaitlistEntry> shown, IReadOnlyList<WaitlistEntry> queue, CancellationToken ct)
    {
        _ = ct;
        var positions = queue.Where(e => e.Status == WaitlistStatus.Waiting).Select((e, i) => (e.Id, Position: i + 1))
            .ToDictionary(p => p.Id, p => p.Position);
        return Task.FromResult<IReadOnlyList<WaitlistEntryView>>(
            shown.Select(e => WaitlistEntryView.From(e, positions.TryGetValue(e.Id, out var p) ? p : null)).ToList());
    }

    private static bool CanSee(Caller caller, WaitlistEntry e) => caller.Role switch
    {
        Role.School => e.SchoolId == caller.OrganizationId,
        Role.Provider => e.ProviderId == caller.OrganizationId,
        Role.Administrator => false,
        _ => caller.Oversees(e.DistrictCode),
    };
}
