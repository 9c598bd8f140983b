using Marketplace.Core.Bookings;
using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Families.Selection;

/// <summary>
/// The selection window's changes: the school opens, reschedules and closes a window and runs the lottery; a guardian applies
/// for a child and withdraws; the class teacher (a school user, for the classes the coordinator gave it) and the school (its coordinator, an Admin user) review.
/// First come gives seats at submission through the store's conditional take; the lottery gives them all at the draw.
/// </summary>
public sealed class SelectionCommands(IMarketplaceStore store, TimeProvider clock)
{
    /// <summary>Takes lost to other guardians before a submission is answered with what is left (each loss means a seat went).</summary>
    public const int MaxTakeAttempts = 50;

    private const int ChildrenLimit = 100;
    private const int PupilApplicationsLimit = 100;

    public async Task<SelectionWindow> OpenAsync(Caller caller, OpenWindowRequest request, CancellationToken ct = default)
    {
        var school = await CoordinatorSchoolAsync(caller, ct);
        var now = clock.GetUtcNow();
        var v = new Validator().Text(request.Title, "title", SelectionWindow.MaxTitleLength)
            .Text(request.TermsVersion, "termsVersion", SelectionWindow.MaxTermsVersionLength)
            .Require(request.OpensAt is not null, "opensAt", new("validation.required"))
            .Require(request.ClosesAt is not null, "closesAt", new("validation.required"))
            .Require(request.Mode is not null, "mode", new("validation.required"))
            .Require(request.CapPerPupil is not null, "capPerPupil", new("validation.required"));
        if (request.CapPerPupil is { } cap) v.Range(cap, 1, AllocationRequest.MaxCap, "capPerPupil");
        if (request.OpensAt is { } o && request.ClosesAt is { } c)
            v.Require(c > o && c > now, "closesAt", new("selection.closes-after-opens"));
        if (request.Programmes is null or { Count: 0 }) v.Add("programmes", new("validation.required"));
        else if (v.Count(request.Programmes, "programmes", SelectionWindow.MaxProgrammes))
            for (var i = 0; i < request.Programmes.Count; i++)
            {
                var p = request.Programmes[i];
                if (p is null)
                {
                    v.Add($"programmes[{i}]", new("validation.required"));
                    continue;
                }
                v.Require(p.BookingId is null != p.SeriesId is null, $"programmes[{i}]", new("selection.booking-or-series"));
                if (p.Seats is { } seats) v.Range(seats, 1, AllocationRequest.MaxSeats, $"programmes[{i}].seats");
                var key = p.BookingId ?? p.SeriesId;
                if (key is not null && request.Programmes.Take(i).Any(q => q is not null && (q.BookingId ?? q.SeriesId) == key))
                    v.Add($"programmes[{i}]", new("selection.programme-repeated"));
            }
        var weights = request.Weights ?? new Dictionary<string, int>();
        var priority = request.PriorityFlags ?? [];
        v.ThrowIfInvalid();

        var programmes = new List<WindowProgramme>();
        var bad = new Validator();
        for (var i = 0; i < request.Programmes!.Count; i++)
        {
            var programme = await ProgrammeAsync(school.Id, request.Programmes[i], ct);
            if (programme is null) bad.Add($"programmes[{i}]", new("selection.programme-not-booked"));
            else if (request.Programmes[i].Seats is { } seats && seats > programme.Seats) bad.Add($"programmes[{i}].seats", new("selection.seats-more-than-held", programme.Seats));
            else programmes.Add(request.Programmes[i].Seats is { } s ? programme with { Seats = s } : programme);
        }
        bad.ThrowIfInvalid();

        var mode = request.Mode!.Value;
        var seed = mode == AllocationMode.Lottery ? LotteryDraw.NewSeed() : null;
        // The engine's own rules check the cap, weights and priority flags (every bad field named as the client sent it).
        AllocationRules.Validate(new AllocationRequest([.. programmes.Select(p => p.ToSeats(p.Seats))], [], request.CapPerPupil!.Value, mode, seed ?? "x",
            weights, priority));
        // The window belongs to the semester its programmes are taught in (their first session), as their quotes do — not the one it
        // opens in: a window opened in late August or January chooses for the coming semester, whose policy and bills it must use.
        var firstSession = programmes.SelectMany(p => p.Sessions).Select(x => x.Start).DefaultIfEmpty(request.OpensAt!.Value).Min();
        var window = SelectionWindow.Open(school.Id, school.DistrictCode, Semester.Of(firstSession).Name, request.Title!.Trim(), request.OpensAt!.Value,
            request.ClosesAt!.Value, mode, request.CapPerPupil.Value, weights, priority, request.TermsVersion!.Trim(), request.SafetyPledgeRequired,
            programmes, seed, now, caller.AuditName);
        var changes = new StoreChanges().Insert(window);
        foreach (var p in programmes) changes.Insert(SelectionSeats.For(window.Id, p.ProgrammeId, p.Seats));
        changes.Insert(AuditEntry.Record(caller, "selection.open", "selection-window", window.Id.ToString(), now, school.DistrictCode, school.Id));
        changes.Publish(SelectionEvents.WindowChanged(window, "Opened", [], now));
        await store.CommitAsync(changes, ct);
        return window;
    }

    /// <summary>Moves the closing time of a window not yet closed.</summary>
    public Task<SelectionWindow> RescheduleAsync(Caller caller, Guid windowId, DateTimeOffset? closesAt, CancellationToken ct = default)
    {
        new Validator().Require(closesAt is not null, "closesAt", new("validation.required")).ThrowIfInvalid();
        return ChangeWindowAsync(caller, windowId, "Rescheduled", (w, now) => w.Reschedule(closesAt!.Value, now), ct);
    }

    /// <summary>Closes now. A lottery's applicant list is fixed here: each live application's <c>no-activity</c> flag is decided and kept
    /// in the same commit (<see cref="FixFlagsAsync"/>), so the list, the draw and its check agree whenever the draw runs.</summary>
    public Task<SelectionWindow> CloseAsync(Caller caller, Guid windowId, CancellationToken ct = default) =>
        ChangeWindowAsync(caller, windowId, "Closed", (w, now) => w.Close(now), ct, fixFlags: true);

    /// <summary>
    /// A guardian applies for its child. First come: in the same commit the application takes, in rank order up to the cap, every
    /// choice that has a free seat, admits the grade and clashes with nothing the pupil holds (the engine decides on the seats
    /// read; the store's conditional take makes it true — a take that lost the last seat to another guardian is decided again).
    /// Answered with the window and the pupil it was judged on, so the answer is built without reading them again. Reads: the
    /// window, the guardian's children (the pupil among them), the pupil's applications (this window's, if any, and its commitments
    /// elsewhere), the seats; a lost take reads only the seats again.
    /// </summary>
    public async Task<SubmittedApplication> ApplyAsync(Caller caller, Guid windowId, ApplyRequest request, CancellationToken ct = default)
    {
        PupilAccess.EnsureGuardian(caller);
        var v = new Validator().Require(request.PupilId is not null, "pupilId", new("validation.required"));
        if (request.Choices is null or { Count: 0 }) v.Add("choices", new("validation.required"));
        else if (v.Count(request.Choices, "choices", AllocationRequest.MaxChoices))
            for (var i = 0; i < request.Choices.Count; i++)
                if (request.Choices.Take(i).Contains(request.Choices[i])) v.Add($"choices[{i}]", new("allocation.duplicate-choice"));
        v.ThrowIfInvalid();
        var (window, children) = await VisibleWindowAndChildrenAsync(caller, windowId, ct);
        var pupil = children.FirstOrDefault(c => c.Id == request.PupilId!.Value)
            ?? (children.Count < ChildrenLimit ? throw new NotFoundException("pupil", request.PupilId!.Value)
                : await PupilAccess.OwnChildAsync(store, caller, request.PupilId!.Value, ct));
        if (pupil.SchoolId != window.SchoolId) throw ValidationFailedException.For("pupilId", "selection.pupil-other-school");
        var choices = request.Choices!;
        var bad = new Validator();
        for (var i = 0; i < choices.Count; i++)
        {
            var p = window.Programme(choices[i]);
            if (p is null) bad.Add($"choices[{i}]", new("allocation.unknown-programme"));
            else if (!p.ToSeats(0).Admits(pupil.Grade)) bad.Add($"choices[{i}]", new("selection.grade-not-admitted", pupil.Grade));
        }
        bad.Require(request.AcceptedTerms?.Trim() == window.TermsVersion, "acceptedTerms", new("selection.terms", window.TermsVersion));
        if (window.SafetyPledgeRequired && choices.Any(c => window.Programme(c)?.IsTrip == true))
            bad.Require(request.SafetyPledge, "safetyPledge", new("selection.safety-pledge"));
        bad.ThrowIfInvalid();

        var applicationId = SelectionApplication.IdOf(window.Id, pupil.Id);
        (SelectionApplication? Existing, IReadOnlyList<TimeSlot> Commitments)? read = null;
        PlacementGuard? guard = null;
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            if (window.PhaseAt(now) != WindowPhase.Open) throw new DomainRuleException("selection-window-not-open", window.OpensAt, window.ClosesAt);
            // The pupil's own applications once (this window's and its commitments elsewhere); again only after a version conflict or
            // when the attempt changed the stored application it read (a resubmission), never after a lost take of a new one.
            if (read is null)
            {
                // The pupil's placement guard before its placements elsewhere: a placement of it committed after this read fails our commit.
                guard = await store.FindAsync<PlacementGuard>(PlacementGuard.IdOf(pupil.Id), ct);
                read = await OwnApplicationAsync(pupil.Id, window.Id, applicationId, ct);
            }
            var (existing, commitments) = read.Value;
            var application = existing ?? SelectionApplication.Submit(window, pupil, caller.UserId, choices, request.AcceptedTerms!.Trim(), request.SafetyPledge, now, caller.AuditName);
            var (expected, oldStatus) = (existing?.Version, existing?.Status);
            existing?.Resubmit(pupil, caller.UserId, choices, request.AcceptedTerms!.Trim(), request.SafetyPledge, now, caller.AuditName);
            if (existing is not null) read = null;
            var changes = new StoreChanges();
            if (window.Mode == AllocationMode.FirstCome)
            {
                // Only the programmes the pupil ranked decide its placements: their seats, and the engine over them alone (its clash
                // table and input digest over the 1–3 ranked, not every programme of the window).
                var ranked = window.Programmes.Where(p => choices.Contains(p.ProgrammeId)).ToList();
                var seats = (await store.FindManyAsync<SelectionSeats>([.. ranked.Select(p => SelectionSeats.IdOf(window.Id, p.ProgrammeId))], ct))
                    .ToDictionary(s => s.ProgrammeId);
                var result = AllocationEngine.Allocate(new AllocationRequest(
                    [.. ranked.Select(p => p.ToSeats(seats.GetValueOrDefault(p.ProgrammeId)?.Free ?? 0))],
                    [application.ToApplicant(commitments)], window.CapPerPupil, AllocationMode.FirstCome));
                application.Place([.. result.Placements.Select(p => new ApplicationPlacement(p.ProgrammeId, p.ChoiceRank, now))]);
                foreach (var p in result.Placements) changes.TakeSelectionSeats(SelectionSeats.IdOf(window.Id, p.ProgrammeId), 1);
                if (result.Placements.Count > 0) PlacementGuard.Hold(changes, pupil.Id, guard, now);
            }
            if (existing is null) changes.Insert(application); else changes.Update(application, expected!.Value);
            changes.Publish(SelectionEvents.ApplicationChanged(application, oldStatus, now));
            try
            {
                await store.CommitAsync(changes, ct);
                return new SubmittedApplication(window, pupil, application);
            }
            catch (SelectionSeatsUnavailableException) when (attempt < MaxTakeAttempts) { }
            catch (ConcurrencyConflictException) when (attempt < MaxTakeAttempts) { read = null; }
            catch (DuplicateException) when (attempt < MaxTakeAttempts)
            {
                // Our application was inserted meanwhile (a second request for the child), or the pupil's first placement guard was
                // (its placement in another window): the first is refused, the second decided again over what that placement holds.
                if (existing is null && await store.FindAsync<SelectionApplication>(applicationId, ct) is not null)
                    throw new DomainRuleException("selection-already-applied");
                read = null;
            }
            catch (DuplicateException) { throw new DomainRuleException("selection-already-applied"); }
        }
    }

    /// <summary>The guardian withdraws while the window is open (and not drawn): its seats go back, the provider's class lists lose the pupil.</summary>
    public Task<SelectionApplication> WithdrawAsync(Caller caller, Guid windowId, Guid applicationId, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            PupilAccess.EnsureGuardian(caller);
            var window = await VisibleWindowAsync(caller, windowId, ct);
            var application = await store.FindAsync<SelectionApplication>(applicationId, ct);
            if (application is null || application.WindowId != window.Id || await store.FindAsync<Pupil>(application.PupilId, ct) is not { } pupil
                || !pupil.HasGuardian(caller.UserId)) throw new NotFoundException("selection-application", applicationId);
            var now = clock.GetUtcNow();
            if (window.PhaseAt(now) != WindowPhase.Open) throw new DomainRuleException("selection-window-not-open", window.OpensAt, window.ClosesAt);
            var (old, placed, expected) = (application.Status, application.Placements, application.Version);
            application.Withdraw(now, caller.AuditName);
            var changes = new StoreChanges().Update(application, expected);
            await UnplaceAsync(window, application, placed, old, changes, now, ct);
            await CommitPlacingAsync(changes.Publish(SelectionEvents.ApplicationChanged(application, old, now)), ct);
            return application;
        });

    /// <summary>
    /// 班级审核 (<see cref="ReviewStep.Class"/>: the coordinator, or a class teacher for its own classes) or 学校复核 (<see cref="ReviewStep.School"/>: the
    /// coordinator). A rejection needs a reason and gives the seats back; the school's approval of a first-come placement puts the
    /// pupil on the provider's class list.
    /// </summary>
    public async Task<SelectionApplication> ReviewAsync(Caller caller, Guid windowId, Guid applicationId, ReviewStep step, bool? approve, string? reason,
        CancellationToken ct = default)
    {
        var v = new Validator().Require(approve is not null, "approve", new("validation.required"));
        if (approve == false) v.Text(reason, "reason", SelectionApplication.MaxReasonLength, multiline: true);
        v.ThrowIfInvalid();
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.selection-school");
        if (step == ReviewStep.School && caller.OrgRole != OrgRole.Admin) throw new ForbiddenException("forbidden.selection-coordinator");
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var window = await store.FindAsync<SelectionWindow>(windowId, ct);
            if (window is null || window.SchoolId != caller.OrganizationId) throw new NotFoundException("selection-window", windowId);
            var application = await store.FindAsync<SelectionApplication>(applicationId, ct);
            if (application is null || application.WindowId != window.Id) throw new NotFoundException("selection-application", applicationId);
            // 班级审核 by a class teacher: only its own classes (the classes the school's admin set on the user); the coordinator any.
            if (step == ReviewStep.Class && caller.OrgRole != OrgRole.Admin
                && (await store.FindAsync<User>(caller.UserId, ct) is not { } teacher || !teacher.Teaches(application.Grade, application.ClassName)))
                throw new ForbiddenException("forbidden.selection-class");
            var now = clock.GetUtcNow();
            if (window.PhaseAt(now) == WindowPhase.Drawn) throw new DomainRuleException("selection-already-drawn");
            var (old, placed, expected) = (application.Status, application.Placements, application.Version);
            application.Review(step, approve!.Value, reason, now, caller.AuditName);
            var changes = new StoreChanges().Update(application, expected);
            if (application.Status == ApplicationStatus.Rejected) await UnplaceAsync(window, application, placed, old, changes, now, ct);
            else if (application.Status == ApplicationStatus.SchoolApproved && application.Placements.Count > 0)
                await AssignAsync(window, application.Placements.Select(p => (application.PupilId, p.ProgrammeId)), changes, now, ct);
            await CommitPlacingAsync(changes.Publish(SelectionEvents.ApplicationChanged(application, old, now)), ct);
            return application;
        });
    }

    /// <summary>
    /// The lottery, once the window has closed and every application is decided: the engine over the school-approved applications
    /// with the seed committed at opening, now revealed; placements written to the applications and the providers' class lists,
    /// the draw kept for anyone who may check it — all in one commit.
    /// </summary>
    public Task<SelectionDraw> DrawAsync(Caller caller, Guid windowId, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            await CoordinatorSchoolAsync(caller, ct);
            var window = await store.FindAsync<SelectionWindow>(windowId, ct);
            if (window is null || window.SchoolId != caller.OrganizationId) throw new NotFoundException("selection-window", windowId);
            var now = clock.GetUtcNow();
            var expected = window.Version;
            window.MarkDrawn(now);
            var applications = await AllApplicationsAsync(window.Id, ct);
            var pending = applications.Count(a => a.Status is ApplicationStatus.Submitted or ApplicationStatus.ClassApproved);
            if (pending > 0) throw new DomainRuleException("selection-reviews-pending", pending);
            var approved = applications.Where(a => a.Status == ApplicationStatus.SchoolApproved).ToList();
            var versions = approved.ToDictionary(a => a.Id, a => a.Version);
            var changes = new StoreChanges().Update(window, expected);
            await FixFlagsAsync(window, approved, null, now, ct); // those the close did not decide (the draw writes every approved application below)
            var guards = (await store.FindManyAsync<PlacementGuard>([.. approved.Select(a => PlacementGuard.IdOf(a.PupilId))], ct)).ToDictionary(g => g.PupilId);
            var applicants = new List<Applicant>(approved.Count);
            foreach (var a in approved) applicants.Add(a.ToApplicant(await CommitmentsAsync(a.PupilId, window.Id, ct)));
            var request = new AllocationRequest([.. window.Programmes.Select(p => p.ToSeats(p.Seats))], applicants, window.CapPerPupil, AllocationMode.Lottery,
                window.Seed, window.Weights, window.PriorityFlags);
            var result = AllocationEngine.Allocate(request);
            var draw = SelectionDraw.Of(window, request, result, now);
            changes.Insert(draw);
            var byPupil = result.Placements.ToLookup(p => p.PupilId);
            foreach (var a in approved)
            {
                var before = versions[a.Id];
                a.Place([.. byPupil[a.PupilId].Select(p => new ApplicationPlacement(p.ProgrammeId, p.ChoiceRank, now))]);
                changes.Update(a, before).Publish(SelectionEvents.ApplicationChanged(a, a.Status, now));
            }
            foreach (var pupilId in result.Placements.Select(p => p.PupilId).Distinct()) PlacementGuard.Hold(changes, pupilId, guards.GetValueOrDefault(pupilId), now);
            await AssignAsync(window, result.Placements.Select(p => (p.PupilId, p.ProgrammeId)), changes, now, ct);
            changes.Insert(AuditEntry.Record(caller, "selection.draw", "selection-window", window.Id.ToString(), now, window.DistrictCode, window.SchoolId,
                detail: $"applicants={applicants.Count} placements={result.Placements.Count} input={result.Audit.InputDigest}"));
            await CommitPlacingAsync(changes, ct);
            return draw;
        });

    private Task<SelectionWindow> ChangeWindowAsync(Caller caller, Guid windowId, string phase, Action<SelectionWindow, DateTimeOffset> change, CancellationToken ct,
        bool fixFlags = false) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            await CoordinatorSchoolAsync(caller, ct);
            var window = await store.FindAsync<SelectionWindow>(windowId, ct);
            if (window is null || window.SchoolId != caller.OrganizationId) throw new NotFoundException("selection-window", windowId);
            var now = clock.GetUtcNow();
            var expected = window.Version;
            change(window, now);
            var applications = await AllApplicationsAsync(window.Id, ct);
            var guardians = applications.Select(a => a.GuardianId).Distinct().ToList();
            var changes = new StoreChanges().Update(window, expected);
            if (fixFlags) await FixFlagsAsync(window, [.. applications.Where(a => a.IsLive)], changes, now, ct);
            await store.CommitAsync(changes.Publish(SelectionEvents.WindowChanged(window, phase, guardians, now)), ct);
            return window;
        });

    /// <summary>
    /// A lottery's computed flags, once per application: each <c>no-activity</c> (<see cref="SelectionActivity"/>, one store question for all
    /// still undecided) set or cleared and marked (<see cref="SelectionApplication.ActivityFixedAt"/>), and the window marked
    /// (<see cref="SelectionWindow.FlagsFixedAt"/>). At the close every live application is decided; at the draw only those the close did
    /// not see — every one of a window closed by the clock, or one whose submission (checked open) committed just after a close.
    /// Changed applications are written into <paramref name="changes"/> when given (the close); the draw writes them itself. First come
    /// uses no weights: nothing to fix.
    /// </summary>
    private async Task FixFlagsAsync(SelectionWindow window, IReadOnlyList<SelectionApplication> applications, StoreChanges? changes, DateTimeOffset now,
        CancellationToken ct)
    {
        if (window.Mode != AllocationMode.Lottery) return;
        var undecided = applications.Where(a => a.ActivityFixedAt is null).ToList();
        if (undecided.Count > 0)
        {
            var idle = await SelectionActivity.WithoutActivityAsync(store, window, [.. undecided.Select(a => a.PupilId)], ct);
            foreach (var a in undecided)
            {
                var before = a.Version;
                if (a.FixActivity(idle.Contains(a.PupilId), now)) changes?.Update(a, before);
            }
        }
        window.FixFlags(now);
    }

    /// <summary>
    /// Commits a change that may give pupils placements or class lists: a placement guard or a class list another commit made meanwhile
    /// (an insert refused as a duplicate) is a concurrent change like any other — the caller reads again and decides again.
    /// </summary>
    private async Task CommitPlacingAsync(StoreChanges changes, CancellationToken ct)
    {
        try
        {
            await store.CommitAsync(changes, ct);
        }
        catch (DuplicateException)
        {
            throw new ConcurrencyConflictException("selection-application", Guid.Empty);
        }
    }

    private async Task<School> CoordinatorSchoolAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.selection-school");
        if (caller.OrgRole != OrgRole.Admin) throw new ForbiddenException("forbidden.selection-coordinator");
        return await store.FindAsync<School>(caller.OrganizationId, ct) ?? throw new NotFoundException("school", caller.OrganizationId);
    }

    /// <summary>A window of a school where the guardian has a child; any other is 404.</summary>
    private async Task<SelectionWindow> VisibleWindowAsync(Caller caller, Guid windowId, CancellationToken ct) =>
        (await VisibleWindowAndChildrenAsync(caller, windowId, ct)).Window;

    private async Task<(SelectionWindow Window, IReadOnlyList<Pupil> Children)> VisibleWindowAndChildrenAsync(Caller caller, Guid windowId, CancellationToken ct)
    {
        var window = await store.FindAsync<SelectionWindow>(windowId, ct);
        if (window is null) throw new NotFoundException("selection-window", windowId);
        var children = await store.ListPupilsAsync(new PupilFilter(GuardianId: caller.UserId, Limit: ChildrenLimit), ct);
        return children.Any(c => c.SchoolId == window.SchoolId) ? (window, children) : throw new NotFoundException("selection-window", windowId);
    }

    /// <summary>A confirmed booking or series of the school as a programme, holding its pupils' seats; null when it is not one.</summary>
    private async Task<WindowProgramme?> ProgrammeAsync(Guid schoolId, ProgrammeRequest request, CancellationToken ct)
    {
        if (request.BookingId is { } bookingId)
        {
            var b = await store.FindAsync<Booking>(bookingId, ct);
            if (b is null || b.SchoolId != schoolId || b.Status != BookingStatus.Confirmed || b.Snapshot is null) return null;
            return new WindowProgramme(b.Id, null, [b.Id], b.OfferingId, b.ProviderId, b.Snapshot.OfferingTitle, b.Snapshot.ProviderName, b.Snapshot.Mode,
                b.Pupils, [new TimeSlot(b.SessionStartsAt, b.Snapshot.SessionEndsAt)], b.Grades);
        }
        var series = await store.FindAsync<BookingSeries>(request.SeriesId!.Value, ct);
        if (series is null || series.SchoolId != schoolId || series.Status != SeriesStatus.Confirmed) return null;
        var bookings = (await store.FindManyAsync<Booking>([.. series.Sessions.Select(s => s.BookingId)], ct))
            .Where(b => b.Status == BookingStatus.Confirmed && b.Snapshot is not null).OrderBy(b => b.SessionStartsAt).ToList();
        if (bookings.Count == 0) return null;
        return new WindowProgramme(series.Id, series.Id, [.. bookings.Select(b => b.Id)], series.OfferingId, series.ProviderId, series.Snapshot.OfferingTitle,
            series.Snapshot.ProviderName, series.Snapshot.Mode, series.Pupils, [.. bookings.Select(b => new TimeSlot(b.SessionStartsAt, b.Snapshot!.SessionEndsAt))],
            series.Grades);
    }

    /// <summary>The session times a pupil holds through its placements in the school's other windows: no pupil in two overlapping sessions.</summary>
    private async Task<IReadOnlyList<TimeSlot>> CommitmentsAsync(Guid pupilId, Guid windowId, CancellationToken ct) =>
        await CommitmentsOfAsync(await store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(PupilId: pupilId, Limit: PupilApplicationsLimit), ct),
            windowId, ct);

    private async Task<IReadOnlyList<TimeSlot>> CommitmentsOfAsync(IReadOnlyList<SelectionApplication> pupilApplications, Guid windowId, CancellationToken ct)
    {
        var others = pupilApplications.Where(a => a.WindowId != windowId && a.IsLive && a.Placements.Count > 0).ToList();
        if (others.Count == 0) return [];
        var windows = (await store.FindManyAsync<SelectionWindow>([.. others.Select(a => a.WindowId).Distinct()], ct)).ToDictionary(w => w.Id);
        return [.. others.SelectMany(a => a.Placements.SelectMany(p => windows.GetValueOrDefault(a.WindowId)?.Programme(p.ProgrammeId)?.Sessions ?? []))];
    }

    /// <summary>The pupil's application in this window (null if none) and its commitments elsewhere, from one read of the pupil's
    /// applications; a pupil with a full page of them reads its application here by id.</summary>
    private async Task<(SelectionApplication? Existing, IReadOnlyList<TimeSlot> Commitments)> OwnApplicationAsync(Guid pupilId, Guid windowId, Guid applicationId,
        CancellationToken ct)
    {
        var all = await store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(PupilId: pupilId, Limit: PupilApplicationsLimit), ct);
        var existing = all.Count < PupilApplicationsLimit ? all.FirstOrDefault(a => a.Id == applicationId) : await store.FindAsync<SelectionApplication>(applicationId, ct);
        return (existing, await CommitmentsOfAsync(all, windowId, ct));
    }

    private async Task<List<SelectionApplication>> AllApplicationsAsync(Guid windowId, CancellationToken ct)
    {
        var all = new List<SelectionApplication>();
        for (Guid? after = null; ;)
        {
            var page = await store.ListSelectionApplicationsAsync(new SelectionApplicationFilter(WindowId: windowId, Limit: 1000, After: after), ct);
            all.AddRange(page);
            if (page.Count < 1000) return all;
            after = page[^1].Id;
        }
    }

    /// <summary>
    /// Seats back and the pupil off the class lists it was on (school-approved placements). First come: each seat given back goes, in
    /// this same commit, to the first pupil waiting for it (<see cref="PromoteAsync"/>), so the counter never shows a seat free while
    /// someone waits for it and a new submission cannot take it first.
    /// </summary>
    private async Task UnplaceAsync(SelectionWindow window, SelectionApplication application, IReadOnlyList<ApplicationPlacement> placed, ApplicationStatus old,
        StoreChanges changes, DateTimeOffset now, CancellationToken ct)
    {
        if (window.Mode == AllocationMode.FirstCome)
            foreach (var p in placed) changes.ReturnSelectionSeats(SelectionSeats.IdOf(window.Id, p.ProgrammeId), 1);
        var promoted = await PromoteAsync(window, application.Id, placed, changes, now, ct);
        foreach (var p in placed)
        {
            if (window.Programme(p.ProgrammeId) is not { } programme) continue;
            var remove = old == ApplicationStatus.SchoolApproved ? application.PupilId : (Guid?)null;
            var add = promoted.Where(a => a.Status == ApplicationStatus.SchoolApproved && a.Placements.Any(x => x.ProgrammeId == p.ProgrammeId))
                .Select(a => a.PupilId).ToList();
            if (remove is null && add.Count == 0) continue;
            foreach (var bookingId in programme.BookingIds)
            {
                var assignment = await store.FindAsync<PupilAssignment>(bookingId, ct);
                if (assignment is null && add.Count == 0) continue;
                if (assignment is null)
                {
                    assignment = PupilAssignment.For(bookingId, window.SchoolId, programme.ProviderId);
                    assignment.Set([.. add], now);
                    changes.Insert(assignment);
                    continue;
                }
                if (remove is { } r && !assignment.PupilIds.Contains(r) && add.Count == 0) continue;
                var expected = assignment.Version;
                assignment.Set([.. assignment.PupilIds.Where(id => id != remove), .. add.Where(id => !assignment.PupilIds.Contains(id))], now);
                changes.Update(assignment, expected);
            }
            changes.Publish(SelectionEvents.ClassListChanged(window, programme.ProviderId, programme.BookingIds, now));
        }
    }

    /// <summary>
    /// First come: each freed seat to the first pupil waiting for that programme as <c>Full</c> — live applications in submission
    /// order, then pupil id (the waiting list's order) — skipping one the programme would put over the cap, whose grade it does not
    /// admit, or whom it would put in two overlapping sessions (with its other placements, here and in the school's other windows).
    /// The take is the same conditional update as a submission's (the counter, just given the seat back, stays where it was); each
    /// promoted guardian gets its application's <c>selectionChanged</c>.
    /// </summary>
    private async Task<List<SelectionApplication>> PromoteAsync(SelectionWindow window, Guid leaving, IReadOnlyList<ApplicationPlacement> freed,
        StoreChanges changes, DateTimeOffset now, CancellationToken ct)
    {
        if (window.Mode != AllocationMode.FirstCome || freed.Count == 0) return [];
        var queue = (await AllApplicationsAsync(window.Id, ct)).Where(a => a.Id != leaving && a.IsLive)
            .OrderBy(a => a.SubmittedAt).ThenBy(a => a.PupilId).ToList();
        var promoted = new Dictionary<Guid, (SelectionApplication Application, long Expected)>();
        foreach (var seat in freed)
        {
            if (window.Programme(seat.ProgrammeId) is not { } programme) continue;
            foreach (var a in queue)
            {
                if (!a.Choices.Contains(programme.ProgrammeId) || a.Placements.Count >= window.CapPerPupil
                    || a.Placements.Any(p => p.ProgrammeId == programme.ProgrammeId) || !programme.ToSeats(0).Admits(a.Grade)) continue;
                var guard = await store.FindAsync<PlacementGuard>(PlacementGuard.IdOf(a.PupilId), ct); // before its placements elsewhere
                var held = a.Placements.SelectMany(p => window.Programme(p.ProgrammeId)?.Sessions ?? []).Concat(await CommitmentsAsync(a.PupilId, window.Id, ct)).ToList();
                if (programme.Sessions.Any(s => held.Any(h => h.Overlaps(s)))) continue;
                if (!promoted.ContainsKey(a.Id)) PlacementGuard.Hold(changes, a.PupilId, guard, now);
                var expected = promoted.TryGetValue(a.Id, out var earlier) ? earlier.Expected : a.Version;
                var rank = a.Choices.Select((c, i) => (c, i)).First(x => x.c == programme.ProgrammeId).i + 1;
                a.AddPlacement(new ApplicationPlacement(programme.ProgrammeId, rank, now));
                promoted[a.Id] = (a, expected);
                changes.TakeSelectionSeats(SelectionSeats.IdOf(window.Id, programme.ProgrammeId), 1);
                break;
            }
        }
        foreach (var (a, expected) in promoted.Values) changes.Update(a, expected).Publish(SelectionEvents.ApplicationChanged(a, a.Status, now));
        return [.. promoted.Values.Select(p => p.Application)];
    }

    /// <summary>Adds the placed pupils to the class list (<see cref="PupilAssignment"/>) of every booking of their programmes.</summary>
    private async Task AssignAsync(SelectionWindow window, IEnumerable<(Guid PupilId, Guid ProgrammeId)> placements, StoreChanges changes, DateTimeOffset now,
        CancellationToken ct)
    {
        foreach (var group in placements.GroupBy(p => p.ProgrammeId))
        {
            if (window.Programme(group.Key) is not { } programme) continue;
            var existing = (await store.FindManyAsync<PupilAssignment>(programme.BookingIds, ct)).ToDictionary(a => a.Id);
            foreach (var bookingId in programme.BookingIds)
            {
                if (existing.TryGetValue(bookingId, out var assignment))
                {
                    var expected = assignment.Version;
                    assignment.Set([.. assignment.PupilIds, .. group.Select(p => p.PupilId)], now);
                    changes.Update(assignment, expected);
                }
                else
                {
                    assignment = PupilAssignment.For(bookingId, window.SchoolId, programme.ProviderId);
                    assignment.Set([.. group.Select(p => p.PupilId)], now);
                    changes.Insert(assignment);
                }
            }
            changes.Publish(SelectionEvents.ClassListChanged(window, programme.ProviderId, programme.BookingIds, now));
        }
    }
}
