using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>
/// A series request: the sessions by <see cref="SessionIds"/>, or every session of the offering whose Beijing date is in
/// [<see cref="From"/>, <see cref="To"/>].
/// </summary>
public sealed record CreateSeriesRequest(
    Guid? OfferingId, DateOnly? From, DateOnly? To, IReadOnlyList<Guid>? SessionIds, int? Pupils, IReadOnlyList<int>? Grades,
    string? ClassName, string? TeacherName, string? ContactName, string? ContactPhone, string? Note, bool? AllowPartial, int? HardshipPupils = null);

public sealed record SeriesRequestResult(Guid SeriesId, string Json, bool Replayed);

/// <summary>What a series cancel did: the series as it is now, and the live bookings the caller could not cancel yet.</summary>
public sealed record SeriesCancelResult(BookingSeries Series, IReadOnlyList<KeptBooking> Kept);

/// <summary>A booking a series cancel left live, and why (<c>booking-cancel-cutoff</c>: confirmed, past the school's cut-off).</summary>
public sealed record KeptBooking(Guid BookingId, string Code, DateTimeOffset CancelBefore);

/// <summary>A session the answer names: which, when, and why (a reason code) or how many seats it had left.</summary>
public sealed record SeriesSessionProblem(Guid SessionId, DateTimeOffset StartsAt, string? Reason, int? SeatsLeft);

/// <summary>A series refused for some of its sessions: 409 with the code and <c>sessions</c>, every one of them.</summary>
public sealed class SeriesSessionsException(string code, IReadOnlyList<SeriesSessionProblem> sessions)
    : DomainRuleException(code, sessions.Count)
{
    public IReadOnlyList<SeriesSessionProblem> Sessions { get; } = sessions;
    public override IReadOnlyDictionary<string, object?> Extensions => new Dictionary<string, object?> { ["sessions"] = Sessions };
}

/// <summary>
/// Books one school's group onto many sessions of an offering in one request and one commit (issue 13), and answers for the
/// series as a whole: the provider confirms or declines it, either side cancels what may still be cancelled, the sweep
/// expires it. Each session is an ordinary <see cref="Booking"/>, so every booking guarantee (one conditional seat update per
/// session, per-session cancel, expiry, the suspension cascade, the feed) holds for series too.
/// </summary>
public sealed class BookingSeriesCommands(IMarketplaceStore store, BookingSeriesQueries queries, TimeProvider clock, BookingOptions options,
    WaitlistPromotion promotion, Settlement.QuoteService quotes)
{
    public const string IdempotencyScope = "booking-series";

    /// <summary>The most sessions one series books (a school year of weekly sessions, with room to spare).</summary>
    public const int MaxSessions = 60;

    /// <summary>The longest range a series may span.</summary>
    public const int MaxRangeDays = 366;

    /// <summary>
    /// Books the group onto every session that can be booked, all in one commit: the store's one conditional update per session
    /// decides every seat, so concurrency cannot oversell. All or nothing by default: if any session lacks seats, nothing is
    /// booked and the 409 names every short session. With <c>allowPartial</c> the short sessions move to <c>unbooked</c> and the
    /// rest is committed again; no seat count is read to decide, and each round drops at least one session.
    /// </summary>
    public async Task<SeriesRequestResult> RequestAsync(Caller caller, string idempotencyKey, CreateSeriesRequest r, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.schools-book");
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var key = caller.OrganizationId.ToString("N") + ":" + idempotencyKey;
        var hash = Hash(r);
        if (await ReplayAsync(key, hash, ct) is { } replay) return replay;

        Validate(r);
        var now = clock.GetUtcNow();
        var (offering, provider, school, districtName, sessions, bookable, unbooked) = await PrepareAsync(caller, r, now, ct);
        var pupils = r.Pupils!.Value;
        var allowPartial = r.AllowPartial ?? false;
        var from = r.From ?? ChinaTime.DateOf(sessions.Min(s => s.StartsAt));
        var to = r.To ?? ChinaTime.DateOf(sessions.Max(s => s.StartsAt));
        var facts = new SeriesFacts(offering.Id, provider.Id, school.Id, school.DistrictCode, pupils, r.Grades!, r.ClassName, r.TeacherName,
            r.ContactName!, r.ContactPhone!, r.Note, from, to, allowPartial, offering.Content.PriceFen, options.ResponseWindow,
            BookingQueries.SnapshotOf(offering, provider, school, sessions[0], districtName));
        var seriesId = Ids.New();
        while (true)
        {
            if (bookable.Count == 0)
                throw new SeriesSessionsException("series-nothing-fits", unbooked.Select(u => new SeriesSessionProblem(u.SessionId, u.StartsAt, u.Reason, u.SeatsLeft)).ToArray());
            var ordered = bookable.OrderBy(s => s.StartsAt).ToList();
            var quoted = await QuoteSessionsAsync(school, offering, ordered, r, ct);
            var bookings = ordered.Select((s, i) => Booking.Request(new BookingRequestFacts(s.Id, offering.Id, provider.Id, school.Id, school.DistrictCode, pupils,
                r.Grades!, r.ContactName!, r.ContactPhone!, r.Note, offering.Content.PriceFen, s.StartsAt, offering.Content.CancellationCutoffHours,
                options.ResponseWindow, BookingQueries.SnapshotOf(offering, provider, school, s, districtName))
            {
                SeriesId = seriesId, ClassName = r.ClassName, TeacherName = r.TeacherName, Quote = quoted[i],
            }, now, caller.AuditName)).ToList();
            var series = BookingSeries.Request(seriesId, facts, bookings.Select(b => new SeriesSession(b.SessionId, b.Id, b.SessionStartsAt)).ToArray(),
                unbooked, now, caller.AuditName);
            var warnings = await new PlanAdvisor(store).CheckAsync(school, offering, bookable, pupils, ct);
            var json = JsonSerializer.Serialize(BookingSeriesView.Of(series, bookings) with { Warnings = warnings }, StoreJson.ResponseOptions);
            var changes = new StoreChanges().Insert(series);
            foreach (var booking in bookings) changes.Insert(booking);
            foreach (var booking in bookings) changes.ReserveSeats(booking.SessionId, pupils);
            changes.Remember(new IdempotencyRecord(IdempotencyScope, key, hash, series.Id, json, now));
            foreach (var booking in bookings) changes.Publish(BookingEvents.Changed(booking, null, now));
            foreach (var booking in bookings) changes.Publish(CatalogEvents.AvailabilityChanged(offering.Id, booking.SessionId, provider.Id, now));
            changes.Publish(BookingEvents.SeriesChanged(series, null, now));
            try
            {
                await store.CommitAsync(changes, ct);
                return new SeriesRequestResult(series.Id, json, Replayed: false);
            }
            catch (Exception e) when (e is DuplicateException { Field: IdempotencyRecord.KeyField } or SeatsUnavailableException)
            {
                // A concurrent request with the same key may have committed first (its seats are the ones found taken): its answer.
                if (await ReplayAsync(key, hash, ct) is { } winner) return winner;
                if (e is not SeatsUnavailableException seats) throw;
                var starts = bookable.ToDictionary(s => s.Id, s => s.StartsAt);
                if (!allowPartial)
                    throw new SeriesSessionsException("series-seats-unavailable",
                        seats.Shortfalls.Select(x => new SeriesSessionProblem(x.SessionId, starts.GetValueOrDefault(x.SessionId), null, x.SeatsLeft)).ToArray());
                var shortIds = seats.Shortfalls.Select(x => x.SessionId).ToHashSet();
                unbooked = [.. unbooked, .. seats.Shortfalls.Select(x => new UnbookedSession(x.SessionId, starts.GetValueOrDefault(x.SessionId), UnbookedReasons.SeatsUnavailable, x.SeatsLeft))];
                bookable = bookable.Where(s => !shortIds.Contains(s.Id)).ToList();
            }
        }
    }

    /// <summary>
    /// The dry run of <see cref="RequestAsync"/>: the quote each bookable session would carry now and their sum for the term — the
    /// same checks and the same computation (a monthly or semester allowance or cap runs across the sessions), except the seat
    /// counts, which the store decides when it books; nothing written.
    /// </summary>
    public async Task<SeriesQuote> QuoteAsync(Caller caller, CreateSeriesRequest r, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.schools-book");
        Validate(r, contact: false);
        var (offering, _, school, _, _, bookable, unbooked) = await PrepareAsync(caller, r, clock.GetUtcNow(), ct);
        if (bookable.Count == 0)
            throw new SeriesSessionsException("series-nothing-fits", unbooked.Select(u => new SeriesSessionProblem(u.SessionId, u.StartsAt, u.Reason, u.SeatsLeft)).ToArray());
        var ordered = bookable.OrderBy(s => s.StartsAt).ToList();
        var quoted = await QuoteSessionsAsync(school, offering, ordered, r, ct);
        return new SeriesQuote(ordered.Select((s, i) => new SessionQuote(s.Id, s.StartsAt, s.EndsAt, quoted[i])).ToArray(), QuoteTotals.Of(quoted), unbooked);
    }

    /// <summary>
    /// What a series request is about, checked: the offering and its provider, the school (and its district's name), may this
    /// group book it, the sessions asked for sorted into those bookable now and those not; a named session that cannot be booked
    /// refuses the request unless it allows partial booking.
    /// </summary>
    private async Task<(Offering Offering, Provider Provider, School School, string DistrictName, IReadOnlyList<Session> Sessions, List<Session> Bookable,
        List<UnbookedSession> Unbooked)> PrepareAsync(Caller caller, CreateSeriesRequest r, DateTimeOffset now, CancellationToken ct)
    {
        var offering = await store.FindAsync<Offering>(r.OfferingId!.Value, ct) ?? throw new NotFoundException("offering", r.OfferingId);
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("offering", r.OfferingId);
        var school = await store.FindAsync<School>(caller.OrganizationId, ct) ?? throw new NotFoundException("school", caller.OrganizationId);
        var (reach, schoolDistrict) = await BookingEligibility.ReachAsync(store, offering, provider, school, () => new NotFoundException("offering", r.OfferingId), ct);
        BookingEligibility.CheckGroup(offering, school, reach, r.Pupils!.Value, r.Grades!);

        var sessions = await SessionsAsync(r, offering, ct);
        var (bookable, unbooked) = Sort(sessions, offering, now);
        // Sessions the school named itself are what it asked for: without allowPartial, one it cannot have refuses the series.
        if (r.SessionIds is not null && unbooked.Count > 0 && !(r.AllowPartial ?? false))
            throw new SeriesSessionsException("series-session-not-bookable", unbooked.Select(u => new SeriesSessionProblem(u.SessionId, u.StartsAt, u.Reason, null)).ToArray());
        return (offering, provider, school, schoolDistrict?.Name ?? school.DistrictCode, sessions, bookable, unbooked);
    }

    /// <summary>Quoted together, in start order: a monthly or semester allowance or cap runs across the series' sessions (the same pupils).</summary>
    private Task<IReadOnlyList<Settlement.Quote>> QuoteSessionsAsync(School school, Offering offering, IReadOnlyList<Session> ordered, CreateSeriesRequest r, CancellationToken ct) =>
        quotes.QuoteAsync(school, offering.Content, ordered.Select(s => (s.StartsAt, s.EndsAt)).ToList(), r.Pupils!.Value, r.HardshipPupils ?? 0, r.Grades!, r.ClassName, ct);

    /// <summary>The provider accepts the series: it and every request of it still open become Confirmed.</summary>
    public Task<BookingSeries> ConfirmAsync(Caller caller, Guid id, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var (series, bookings) = await LoadForProviderAsync(caller, id, ct);
            var now = clock.GetUtcNow();
            var expected = series.Version;
            var old = series.Status;
            series.Confirm(now, caller.AuditName);
            var changes = new StoreChanges().Update(series, expected).Publish(BookingEvents.SeriesChanged(series, old, now));
            foreach (var booking in bookings.Where(b => b.Status == BookingStatus.Requested && b.ExpiresAt > now))
            {
                var version = booking.Version;
                booking.Confirm(now, caller.AuditName);
                changes.Update(booking, version).Publish(BookingEvents.Changed(booking, BookingStatus.Requested, now));
                BookingLedger.Post(changes, booking, BookingStatus.Requested, now);
            }
            await store.CommitAsync(changes, ct);
            return series;
        });

    /// <summary>The provider turns the series down, with a reason: its open requests are declined and their seats return.</summary>
    public Task<BookingSeries> DeclineAsync(Caller caller, Guid id, string? reason, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var (series, bookings) = await LoadForProviderAsync(caller, id, ct);
            new Validator().Text(reason, "reason", 500, multiline: true).ThrowIfInvalid();
            var now = clock.GetUtcNow();
            var expected = series.Version;
            var old = series.Status;
            series.Decline(reason!, now, caller.AuditName);
            var changes = new StoreChanges().Update(series, expected).Publish(BookingEvents.SeriesChanged(series, old, now));
            foreach (var booking in bookings.Where(b => b.Status == BookingStatus.Requested))
            {
                var version = booking.Version;
                booking.Decline(reason!, now, caller.AuditName);
                Release(changes, booking, version, BookingStatus.Requested, now);
            }
            await promotion.CommitAsync(changes, ct); // seats released: held for the waiting list in the same commit
            return series;
        });

    /// <summary>
    /// Cancels every live booking of the series whose session has not started and that the caller may cancel now: a school
    /// (reason optional) its requests at any time and its confirmed bookings before the cut-off; the provider (with a reason) all.
    /// Those held back are listed. The series is Cancelled once none of its bookings is live.
    /// </summary>
    public Task<SeriesCancelResult> CancelAsync(Caller caller, Guid id, string? reason, CancellationToken ct = default) =>
        ConcurrentChange.RetryAsync(async () =>
        {
            var series = await queries.GetAsync(caller, id, ct);
            var isSchool = caller.Role == Role.School && caller.OrganizationId == series.SchoolId;
            var isProvider = caller.Role == Role.Provider && caller.OrganizationId == series.ProviderId;
            if (!isSchool && !isProvider) throw new ForbiddenException("forbidden.booking-cancel");
            // Who may act first (a provider only in good standing in the series' district), as for a single booking; then the input.
            if (isProvider)
                (await store.FindAsync<Provider>(series.ProviderId, ct) ?? throw new NotFoundException("provider", series.ProviderId)).EnsureMayActIn(series.DistrictCode);
            new Validator().Text(reason, "reason", 500, required: isProvider, multiline: true).ThrowIfInvalid();
            var bookings = await store.FindManyAsync<Booking>(series.Sessions.Select(s => s.BookingId).ToArray(), ct);
            var now = clock.GetUtcNow();
            var changes = new StoreChanges();
            var kept = new List<KeptBooking>();
            var cancelled = 0;
            foreach (var booking in bookings.Where(b => b.HoldsSeats && b.SessionStartsAt > now).OrderBy(b => b.SessionStartsAt))
            {
                var (version, old) = (booking.Version, booking.Status);
                if (isSchool && booking.Status == BookingStatus.Confirmed && now >= booking.CancelBefore)
                {
                    kept.Add(new KeptBooking(booking.Id, "booking-cancel-cutoff", booking.CancelBefore));
                    continue;
                }
                if (isProvider) booking.CancelByProvider(reason!, now, caller.AuditName);
                else booking.CancelBySchool(reason, now, caller.AuditName);
                Release(changes, booking, version, old, now);
                cancelled++;
            }
            if (cancelled == 0) throw new DomainRuleException("series-nothing-to-cancel");
            // Live bookings left: those held back, and sessions already started (delivered or being delivered).
            var stillLive = bookings.Any(b => b.HoldsSeats);
            if (!stillLive && series.Status is SeriesStatus.Requested or SeriesStatus.Confirmed)
            {
                var (expected, old) = (series.Version, series.Status);
                series.Cancel(reason, now, caller.AuditName);
                changes.Update(series, expected).Publish(BookingEvents.SeriesChanged(series, old, now));
            }
            await promotion.CommitAsync(changes, ct); // seats released: held for the waiting list in the same commit
            return new SeriesCancelResult(series, kept);
        });

    /// <summary>Expires series the provider did not answer in time, with their requests still open (seats return). Returns how many.</summary>
    public async Task<int> ExpireOverdueAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var overdue = await store.ListBookingSeriesAsync(new SeriesFilter(Status: SeriesStatus.Requested, ExpiresBefore: now, Limit: 100), ct);
        var expired = 0;
        foreach (var series in overdue)
        {
            var bookings = await store.FindManyAsync<Booking>(series.Sessions.Select(s => s.BookingId).ToArray(), ct);
            var expected = series.Version;
            series.Expire(now);
            var changes = new StoreChanges().Update(series, expected).Publish(BookingEvents.SeriesChanged(series, SeriesStatus.Requested, now));
            foreach (var booking in bookings.Where(b => b.Status == BookingStatus.Requested))
            {
                var version = booking.Version;
                booking.Expire(now);
                Release(changes, booking, version, BookingStatus.Requested, now);
            }
            try
            {
                await promotion.CommitAsync(changes, ct); // seats released: held for the waiting list in the same commit
                expired++;
            }
            catch (ConcurrencyConflictException)
            {
                // The provider answered (or a booking of it moved) at the same moment: the next sweep decides again.
            }
        }
        return expired;
    }

    private async Task<(BookingSeries Series, IReadOnlyList<Booking> Bookings)> LoadForProviderAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var series = await queries.GetAsync(caller, id, ct);
        if (caller.Role != Role.Provider || caller.OrganizationId != series.ProviderId) throw new ForbiddenException("forbidden.booking-provider");
        (await store.FindAsync<Provider>(series.ProviderId, ct) ?? throw new NotFoundException("provider", series.ProviderId)).EnsureMayActIn(series.DistrictCode);
        return (series, await store.FindManyAsync<Booking>(series.Sessions.Select(s => s.BookingId).ToArray(), ct));
    }

    private static void Release(StoreChanges changes, Booking booking, long expected, BookingStatus old, DateTimeOffset now) =>
        BookingLedger.Post(changes.Update(booking, expected).Publish(BookingEvents.Changed(booking, old, now)), booking, old, now)
            .ReleaseSeats(booking.SessionId, booking.Pupils)
            .Publish(CatalogEvents.AvailabilityChanged(booking.OfferingId, booking.SessionId, booking.ProviderId, now));

    /// <summary>The sessions asked for: those named (each of this offering, else 400 naming it), or those of the date range.</summary>
    private async Task<IReadOnlyList<Session>> SessionsAsync(CreateSeriesRequest r, Offering offering, CancellationToken ct)
    {
        if (r.SessionIds is { } ids)
        {
            var found = (await store.FindManyAsync<Session>(ids.Distinct().ToArray(), ct)).Where(s => s.OfferingId == offering.Id).ToDictionary(s => s.Id);
            var v = new Validator();
            for (var i = 0; i < ids.Count; i++)
                if (!found.ContainsKey(ids[i])) v.Add($"sessionIds[{i}]", new("series.session-unknown"));
            v.ThrowIfInvalid();
            return found.Values.OrderBy(s => s.StartsAt).ToArray();
        }
        var start = ChinaTime.FromLocal(r.From!.Value, TimeOnly.MinValue);
        var end = ChinaTime.FromLocal(r.To!.Value.AddDays(1), TimeOnly.MinValue);
        var inRange = (await store.ListSessionsForOfferingsAsync([offering.Id], start, ct)).Where(s => s.StartsAt >= start && s.StartsAt < end)
            .OrderBy(s => s.StartsAt).ToArray();
        if (inRange.Length == 0) throw ValidationFailedException.For("to", "series.no-sessions");
        if (inRange.Length > MaxSessions) throw ValidationFailedException.For("to", "series.too-many-sessions", MaxSessions);
        return inRange;
    }

    /// <summary>Which sessions can be booked now, and why the others cannot (cancelled, started, inside the lead time).</summary>
    private (List<Session> Bookable, List<UnbookedSession> Unbooked) Sort(IReadOnlyList<Session> sessions, Offering offering, DateTimeOffset now)
    {
        var bookable = new List<Session>();
        var unbooked = new List<UnbookedSession>();
        foreach (var s in sessions)
        {
            var reason = s.Status == SessionStatus.Cancelled ? UnbookedReasons.SessionCancelled
                : s.StartsAt <= now ? UnbookedReasons.SessionPast
                : BookingEligibility.IsWithinLeadTime(s, offering, options, now) ? UnbookedReasons.LeadTime
                : null;
            if (reason is null) bookable.Add(s);
            else unbooked.Add(new UnbookedSession(s.Id, s.StartsAt, reason));
        }
        return (bookable, unbooked);
    }

    private async Task<SeriesRequestResult?> ReplayAsync(string key, string hash, CancellationToken ct)
    {
        var record = await store.FindIdempotencyAsync(IdempotencyScope, key, ct);
        if (record is null) return null;
        return record.RequestHash == hash ? new SeriesRequestResult(record.ResultId, record.ResponseJson, Replayed: true) : throw new IdempotencyMismatchException();
    }

    /// <summary>The request's fields; <paramref name="contact"/> false (the dry run): the group and the sessions only, not who to contact.</summary>
    private static void Validate(CreateSeriesRequest r, bool contact = true)
    {
        var v = new Validator()
            .Require(r.OfferingId is not null && r.OfferingId != Guid.Empty, "offeringId", new("validation.required"))
            .Require(r.Pupils is >= 1 and <= 1000, "pupils", new("validation.range", 1, 1000))
            .Require(r.Grades is { Count: > 0 and <= 9 } g && g.All(x => x is >= 1 and <= 9) && g.Distinct().Count() == g.Count, "grades", new("offering.grades"))
            .Require(r.HardshipPupils is null || r.HardshipPupils >= 0 && r.HardshipPupils <= r.Pupils, "hardshipPupils", new("validation.range", 0, r.Pupils ?? 0));
        if (contact)
            v.Text(r.ClassName, "className", 50, required: false)
                .Text(r.TeacherName, "teacherName", 50, required: false)
                .Text(r.ContactName, "contactName", 50)
                .Require(r.ContactPhone is { Length: >= 7 and <= 20 } p && p.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ' ') && p.Count(char.IsAsciiDigit) >= 7,
                    "contactPhone", new("booking.contact-phone", 7))
                .Text(r.Note, "note", 500, required: false, multiline: true);
        if (r.SessionIds is { } ids)
        {
            if (ids.Count == 0) v.Add("sessionIds", new("validation.required"));
            else if (ids.Count > MaxSessions) v.Add("sessionIds", new("series.too-many-sessions", MaxSessions));
            else if (ids.Distinct().Count() != ids.Count) v.Add("sessionIds", new("series.session-repeated"));
        }
        else
        {
            v.Require(r.From is not null, "from", new("validation.required")).Require(r.To is not null, "to", new("validation.required"));
        }
        if (r.From is { } from && r.To is { } to)
        {
            if (to < from) v.Add("to", new("series.range-order"));
            else if (to.DayNumber - from.DayNumber > MaxRangeDays) v.Add("to", new("series.range-length", MaxRangeDays));
            if (!ChinaTime.Supports(from) || !ChinaTime.Supports(to)) v.Add("from", new("validation.year-range"));
        }
        v.ThrowIfInvalid();
    }

    /// <summary>The canonical request: grades and sessions in order, allowPartial spelled out.</summary>
    private static string Hash(CreateSeriesRequest r) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(StoreJson.Serialize(r with
        {
            Grades = r.Grades?.Order().ToArray(), SessionIds = r.SessionIds?.Order().ToArray(), AllowPartial = r.AllowPartial ?? false,
        }))));
}
