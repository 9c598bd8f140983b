using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Selection;

/// <summary>A window with its programmes' free seats (first come: live counts; lottery: the seats until the draw).</summary>
public sealed record WindowView(SelectionWindow Window, WindowPhase Phase, IReadOnlyDictionary<Guid, int> FreeSeats);

/// <summary>A place on a programme's waiting list: 1-based, in submission order (first come) or draw order (lottery).</summary>
public sealed record WaitingPlace(Guid ProgrammeId, int Position, int ChoiceRank, WaitReason Reason);

/// <summary>An application as its school or guardian reads it: the pupil's name, and where it waits for what it did not get.</summary>
public sealed record ApplicationView(SelectionApplication Application, string PupilName, IReadOnlyList<WaitingPlace> Waiting)
{
    /// <summary>The school's list of a lottery not drawn yet, for a live application whose flag is not decided (before the close, or one
    /// committed just after it): whether the pupil has no activity yet as of now — a hint; the flag itself is decided at the close or the
    /// draw (<see cref="SelectionApplication.ActivityFixedAt"/>). Null otherwise.</summary>
    public bool? NoActivityHint { get; init; }
}

/// <summary>How many pupils were drawn with one weight in one priority tier: the weights as published without pupil ids.</summary>
public sealed record WeightClass(int Tier, int Weight, int Pupils);

/// <summary>
/// A drawn window's audit with the result of re-running it here. <see cref="Request"/> and <see cref="Result"/> are what the caller
/// may see: the whole input and result for the school and the bureau (who can re-run it), a guardian's own children's lines only
/// (<see cref="Redacted"/>); <see cref="WeightClasses"/> and <see cref="Applicants"/> are for everyone.
/// </summary>
public sealed record DrawView(SelectionDraw Draw, SelectionWindow Window, AllocationCheck Check, AllocationRequest Request, AllocationResult Result,
    bool Redacted, int Applicants, IReadOnlyList<WeightClass> WeightClasses);

/// <summary>
/// Reads of selection windows. A school reads its own windows and every application; a guardian the windows of schools where it
/// has a child and its own children's applications; a drawn window's audit both, and the bureau of the school's district. Any
/// other window is 404.
/// </summary>
public sealed class SelectionQueries(IMarketplaceStore store, TimeProvider clock)
{
    public const int MaxWindows = 100;

    public async Task<IReadOnlyList<WindowView>> ListAsync(Caller caller, CancellationToken ct = default)
    {
        IReadOnlyCollection<Guid> schools = caller.Role switch
        {
            Role.School => [caller.OrganizationId],
            Role.Guardian => [.. (await ChildrenAsync(caller, ct)).Select(c => c.SchoolId).Distinct()],
            _ => throw new ForbiddenException("forbidden.selection-read"),
        };
        var windows = await store.ListSelectionWindowsAsync(schools, MaxWindows, ct);
        var views = new List<WindowView>(windows.Count);
        foreach (var w in windows) views.Add(await ViewAsync(w, ct));
        return views;
    }

    public async Task<WindowView> GetAsync(Caller caller, Guid windowId, CancellationToken ct = default) =>
        await ViewAsync(await ReadableAsync(caller, windowId, ct), ct);

    /// <summary>The school's applications of a window, a page in id order, optionally of one grade and class (the class teacher's list).</summary>
    public async Task<IReadOnlyList<ApplicationView>> ApplicationsAsync(Caller caller, Guid windowId, int? grade, string? className, int limit, Guid? after,
        CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.selection-school");
        var window = await ReadableAsync(caller, windowId, ct);
        var page = await store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(window.Id, null, grade, className, limit, after), ct);
        var views = await ViewsAsync(window, page, wholeWindow: true, ct);
        var undecided = page.Where(a => a.IsLive && a.ActivityFixedAt is null).Select(a => a.PupilId).ToList();
        if (window.Mode != AllocationMode.Lottery || window.DrawnAt is not null || undecided.Count == 0) return views;
        var idle = await SelectionActivity.WithoutActivityAsync(store, window, undecided, ct);
        return [.. views.Select(v => v with { NoActivityHint = undecided.Contains(v.Application.PupilId) ? idle.Contains(v.Application.PupilId) : null })];
    }

    /// <summary>How many applications of the window the school's filter (grade, class) matches: the total its pages belong to.</summary>
    public async Task<int> CountApplicationsAsync(Caller caller, Guid windowId, int? grade, string? className, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.selection-school");
        var window = await ReadableAsync(caller, windowId, ct);
        return await store.CountSelectionApplicationsAsync(new SelectionApplicationFilter(window.Id, null, grade, className), ct);
    }

    /// <summary>
    /// A lottery before its draw: per programme, how many live applications ranked it (of any grade), counted by the store — nobody holds a
    /// seat yet, so they are all the programme's queue (<see cref="IMarketplaceStore.CountSelectionWaitingAheadAsync"/> from the very end).
    /// Empty for first come (its counters say how many are taken) and once drawn (the draw says who got what).
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, int>> AskedAsync(Caller caller, Guid windowId, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.selection-school");
        var window = await ReadableAsync(caller, windowId, ct);
        var asked = new Dictionary<Guid, int>();
        if (window.Mode != AllocationMode.Lottery || window.DrawnAt is not null) return asked;
        foreach (var p in window.Programmes)
            asked[p.ProgrammeId] = await store.CountSelectionWaitingAheadAsync(window.Id, p.ProgrammeId, DateTimeOffset.MaxValue, Guid.AllBitsSet, null, ct);
        return asked;
    }

    /// <summary>The guardian's own children's applications in a window (the school's: any one).</summary>
    public async Task<IReadOnlyList<ApplicationView>> MineAsync(Caller caller, Guid windowId, CancellationToken ct = default)
    {
        PupilAccess.EnsureGuardian(caller);
        var window = await ReadableAsync(caller, windowId, ct);
        var children = await ChildrenAsync(caller, ct);
        var mine = await store.FindManyAsync<SelectionApplication>([.. children.Select(c => SelectionApplication.IdOf(window.Id, c.Id))], ct);
        return await ViewsAsync(window, mine, wholeWindow: false, ct);
    }

    public async Task<ApplicationView> ApplicationAsync(Caller caller, Guid windowId, Guid applicationId, CancellationToken ct = default)
    {
        var window = await ReadableAsync(caller, windowId, ct);
        var application = await store.FindAsync<SelectionApplication>(applicationId, ct);
        var mine = application is not null && application.WindowId == window.Id && (caller.Role == Role.School
            || (caller.Role == Role.Guardian && await store.FindAsync<Pupil>(application.PupilId, ct) is { } p && p.HasGuardian(caller.UserId)));
        if (!mine) throw new NotFoundException("selection-application", applicationId);
        return (await ViewsAsync(window, [application!], wholeWindow: false, ct))[0];
    }

    /// <summary>The answer to a guardian's submission: its view from what <see cref="SelectionCommands.ApplyAsync"/> committed and judged it
    /// on (the window, the guardian's own child — authorised there), its waiting places counted by the store; nothing else read again.</summary>
    public async Task<ApplicationView> SubmittedAsync(SubmittedApplication submitted, CancellationToken ct = default) =>
        (await ViewsAsync(submitted.Window, [submitted.Application], wholeWindow: false,
            new Dictionary<Guid, string> { [submitted.Pupil.Id] = submitted.Pupil.Name }, ct))[0];

    /// <summary>A drawn window's audit, re-run and compared here (<see cref="AllocationEngine.Verify"/>); 409 before the draw. A guardian's
    /// view holds its own children's lines only; the school and the bureau see every line.</summary>
    public async Task<DrawView> DrawAsync(Caller caller, Guid windowId, CancellationToken ct = default)
    {
        var window = await ReadableAsync(caller, windowId, ct);
        var draw = await store.FindAsync<SelectionDraw>(window.Id, ct) ?? throw new DomainRuleException("selection-not-drawn");
        var check = AllocationEngine.Verify(draw.Request, draw.Result);
        var classes = draw.Result.Audit.Draw.GroupBy(e => (e.Tier, e.Weight)).OrderBy(g => g.Key.Tier).ThenByDescending(g => g.Key.Weight)
            .Select(g => new WeightClass(g.Key.Tier, g.Key.Weight, g.Count())).ToList();
        if (caller.Role != Role.Guardian) return new DrawView(draw, window, check, draw.Request, draw.Result, false, draw.Request.Applicants.Count, classes);
        // A guardian sees its own children's lines only. Other pupils' ids next to their place in the order would give their weights
        // away: u follows from the revealed seed and the id, and a pupil drawn ahead of one with a larger u must weigh more.
        var mine = (await ChildrenAsync(caller, ct)).Select(c => c.Id).ToHashSet();
        var (request, result) = (draw.Request, draw.Result);
        request = request with { Applicants = [.. request.Applicants.Where(a => mine.Contains(a.PupilId))] };
        result = result with
        {
            Placements = [.. result.Placements.Where(p => mine.Contains(p.PupilId))],
            WaitingLists = result.WaitingLists.ToDictionary(l => l.Key, l => (IReadOnlyList<WaitingEntry>)[.. l.Value.Where(e => mine.Contains(e.PupilId))]),
            Audit = result.Audit with { Draw = [.. result.Audit.Draw.Where(e => mine.Contains(e.PupilId))] },
        };
        return new DrawView(draw, window, check, request, result, true, draw.Request.Applicants.Count, classes);
    }

    /// <summary>
    /// The names of a drawn window's applicants, for its school's result lists (placed and waiting per programme), which name every
    /// pupil — not only those on the page of applications shown. One read of the pupils; the school only.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, string>> DrawNamesAsync(Caller caller, Guid windowId, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.selection-school");
        var window = await ReadableAsync(caller, windowId, ct);
        var draw = await store.FindAsync<SelectionDraw>(window.Id, ct) ?? throw new DomainRuleException("selection-not-drawn");
        var pupils = await store.FindManyAsync<Pupil>([.. draw.Request.Applicants.Select(a => a.PupilId)], ct);
        return pupils.Where(p => p.SchoolId == window.SchoolId).ToDictionary(p => p.Id, p => p.Name);
    }

    private async Task<SelectionWindow> ReadableAsync(Caller caller, Guid windowId, CancellationToken ct)
    {
        var window = await store.FindAsync<SelectionWindow>(windowId, ct);
        var readable = window is not null && caller.Role switch
        {
            Role.School => window.SchoolId == caller.OrganizationId,
            Role.Guardian => (await ChildrenAsync(caller, ct)).Any(c => c.SchoolId == window.SchoolId),
            Role.Bureau or Role.CityBureau => caller.Oversees(window.DistrictCode),
            _ => false,
        };
        return readable ? window! : throw new NotFoundException("selection-window", windowId);
    }

    private Task<IReadOnlyList<Pupil>> ChildrenAsync(Caller caller, CancellationToken ct) =>
        store.ListPupilsAsync(new PupilFilter(GuardianId: caller.UserId, Limit: 100), ct);

    private async Task<WindowView> ViewAsync(SelectionWindow w, CancellationToken ct)
    {
        var seats = await store.FindManyAsync<SelectionSeats>([.. w.Programmes.Select(p => SelectionSeats.IdOf(w.Id, p.ProgrammeId))], ct);
        return new WindowView(w, w.PhaseAt(clock.GetUtcNow()), seats.ToDictionary(s => s.ProgrammeId, s => w.Mode == AllocationMode.FirstCome ? s.Free : s.Capacity));
    }

    /// <summary>
    /// Names and waiting places. Lottery: the stored draw's waiting lists. First come: every live application of the window in
    /// submission order (then pupil id) that ranked a programme, did not get it and whose grade it admits — the engine's first-come order.
    /// <paramref name="wholeWindow"/> (the school's list of many): those lists are built from every application of the window; else (a
    /// guardian's own children, one application) each place is the store's count of those ahead of it + 1
    /// (<see cref="IMarketplaceStore.CountSelectionWaitingAheadAsync"/>), so an answer does not read the window.
    /// </summary>
    private Task<IReadOnlyList<ApplicationView>> ViewsAsync(SelectionWindow window, IReadOnlyList<SelectionApplication> applications, bool wholeWindow,
        CancellationToken ct) => ViewsAsync(window, applications, wholeWindow, null, ct);

    private async Task<IReadOnlyList<ApplicationView>> ViewsAsync(SelectionWindow window, IReadOnlyList<SelectionApplication> applications, bool wholeWindow,
        IReadOnlyDictionary<Guid, string>? knownNames, CancellationToken ct)
    {
        if (applications.Count == 0) return [];
        var names = knownNames ?? (await store.FindManyAsync<Pupil>([.. applications.Select(a => a.PupilId)], ct)).ToDictionary(p => p.Id, p => p.Name);
        if (window.Mode == AllocationMode.FirstCome && !wholeWindow)
        {
            var views = new List<ApplicationView>(applications.Count);
            var anyWaits = applications.Any(Waits);
            foreach (var a in applications)
                views.Add(new ApplicationView(a, names.GetValueOrDefault(a.PupilId, ""), anyWaits ? await WaitingPlacesAsync(window, a, ct) : []));
            return views;
        }
        var lists = await WaitingListsAsync(window, applications, ct);
        return [.. applications.Select(a => new ApplicationView(a, names.GetValueOrDefault(a.PupilId, ""),
            [.. lists.SelectMany(l => l.Value.Where(e => e.PupilId == a.PupilId).Select(e => new WaitingPlace(l.Key, e.Position, e.ChoiceRank, e.Reason)))]))];

        bool Waits(SelectionApplication a) => a.IsLive && a.Placements.Count < Math.Min(window.CapPerPupil, a.Choices.Count);
    }

    /// <summary>One live first-come application's places, in the window's programme order: for each programme it ranked, did not get
    /// and whose grade it admits, the count of those waiting ahead of it + 1; CapReached when its placements reached the cap.</summary>
    private async Task<IReadOnlyList<WaitingPlace>> WaitingPlacesAsync(SelectionWindow window, SelectionApplication a, CancellationToken ct)
    {
        if (!a.IsLive) return [];
        var places = new List<WaitingPlace>();
        var reason = a.Placements.Count >= window.CapPerPupil ? WaitReason.CapReached : WaitReason.Full;
        foreach (var programme in window.Programmes)
        {
            var rank = -1;
            for (var k = 0; k < a.Choices.Count && rank < 0; k++) if (a.Choices[k] == programme.ProgrammeId) rank = k;
            if (rank < 0 || a.Placements.Any(p => p.ProgrammeId == programme.ProgrammeId) || !programme.ToSeats(0).Admits(a.Grade)) continue;
            var ahead = await store.CountSelectionWaitingAheadAsync(window.Id, programme.ProgrammeId, a.SubmittedAt, a.PupilId,
                programme.Grades is { Count: > 0 } grades ? grades : null, ct);
            places.Add(new WaitingPlace(programme.ProgrammeId, ahead + 1, rank + 1, reason));
        }
        return places;
    }

    private async Task<IReadOnlyDictionary<Guid, IReadOnlyList<WaitingEntry>>> WaitingListsAsync(SelectionWindow window, IReadOnlyList<SelectionApplication> asked,
        CancellationToken ct)
    {
        if (window.Mode == AllocationMode.Lottery)
            return (await store.FindAsync<SelectionDraw>(window.Id, ct))?.Result.WaitingLists ?? new Dictionary<Guid, IReadOnlyList<WaitingEntry>>();
        if (!asked.Any(a => a.IsLive && a.Placements.Count < Math.Min(window.CapPerPupil, a.Choices.Count)))
            return new Dictionary<Guid, IReadOnlyList<WaitingEntry>>();
        var all = new List<SelectionApplication>();
        for (Guid? after = null; ;)
        {
            var page = await store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: window.Id, Limit: 1000, After: after), ct);
            all.AddRange(page);
            if (page.Count < 1000) break;
            after = page[^1].Id;
        }
        var lists = window.Programmes.ToDictionary(p => p.ProgrammeId, _ => new List<WaitingEntry>());
        foreach (var a in all.Where(a => a.IsLive).OrderBy(a => a.SubmittedAt).ThenBy(a => a.PupilId))
            for (var k = 0; k < a.Choices.Count; k++)
            {
                var programme = window.Programme(a.Choices[k]);
                if (programme is null || a.Placements.Any(p => p.ProgrammeId == programme.ProgrammeId) || !programme.ToSeats(0).Admits(a.Grade)) continue;
                var list = lists[programme.ProgrammeId];
                list.Add(new WaitingEntry(list.Count + 1, a.PupilId, k + 1, a.Placements.Count >= window.CapPerPupil ? WaitReason.CapReached : WaitReason.Full));
            }
        return lists.ToDictionary(l => l.Key, l => (IReadOnlyList<WaitingEntry>)l.Value);
    }
}
