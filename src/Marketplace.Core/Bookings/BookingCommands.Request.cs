using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>A school's booking request. <see cref="HardshipPupils"/>: how many of the pupils are 家庭经济困难 (they pay no service fee); omitted: none.</summary>
public sealed record CreateBookingRequest(Guid? SessionId, int? Pupils, IReadOnlyList<int>? Grades, string? ContactName, string? ContactPhone, string? Note,
    int? HardshipPupils = null);

/// <summary>The booking a request made (or made before, for a repeated idempotency key) and the exact body to answer with.</summary>
public sealed record BookingRequestResult(Guid BookingId, string Json, bool Replayed);

public sealed partial class BookingCommands
{
    public const string IdempotencyScope = "booking";

    /// <summary>
    /// Books pupils onto a session. The seat check is not done here: the store's ONE conditional update
    /// (reserved + n ≤ capacity) inside the booking's transaction decides, so concurrency cannot oversell.
    /// The same <paramref name="idempotencyKey"/> with the same request answers with the first result; with another, refused.
    /// </summary>
    public async Task<BookingRequestResult> RequestAsync(Caller caller, string idempotencyKey, CreateBookingRequest r, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.schools-book");
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var key = caller.OrganizationId.ToString("N") + ":" + idempotencyKey;
        var hash = Hash(r);
        if (await ReplayAsync(key, hash, ct) is { } replay) return replay;

        Validate(r);
        var now = clock.GetUtcNow();
        var session = await store.FindAsync<Session>(r.SessionId!.Value, ct) ?? throw new NotFoundException("session", r.SessionId);
        var offering = await store.FindAsync<Offering>(session.OfferingId, ct) ?? throw new NotFoundException("session", r.SessionId);
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("session", r.SessionId);
        var school = await store.FindAsync<School>(caller.OrganizationId, ct) ?? throw new NotFoundException("school", caller.OrganizationId);
        var (reach, schoolDistrict) = await BookingEligibility.ReachAsync(store, offering, provider, school, () => new NotFoundException("session", r.SessionId), ct);
        BookingEligibility.CheckRules(session, offering, school, reach, r.Pupils!.Value, r.Grades!, now);
        BookingEligibility.CheckLeadTime(session, offering, options, now);

        var district = schoolDistrict?.Name ?? school.DistrictCode;
        var snapshot = BookingQueries.SnapshotOf(offering, provider, school, session, district);
        var quote = (await quotes.QuoteAsync(school, offering.Content, [(session.StartsAt, session.EndsAt)], r.Pupils!.Value,
            r.HardshipPupils ?? 0, r.Grades!, ct))[0];
        var booking = Booking.Request(new BookingRequestFacts(session.Id, offering.Id, provider.Id, school.Id, school.DistrictCode, r.Pupils!.Value,
            r.Grades!, r.ContactName!, r.ContactPhone!, r.Note, offering.Content.PriceFen, session.StartsAt, offering.Content.CancellationCutoffHours,
            options.ResponseWindow, snapshot) { Quote = quote }, now, caller.AuditName);
        var warnings = await new PlanAdvisor(store).CheckAsync(school, offering, [session], booking.Pupils, ct);
        var json = JsonSerializer.Serialize(BookingView.From(booking, snapshot) with { Warnings = warnings }, StoreJson.ResponseOptions);
        var changes = new StoreChanges().Insert(booking).ReserveSeats(session.Id, booking.Pupils)
            .Remember(new IdempotencyRecord(IdempotencyScope, key, hash, booking.Id, json, now))
            .Publish(BookingEvents.Changed(booking, null, now))
            .Publish(CatalogEvents.AvailabilityChanged(offering.Id, session.Id, provider.Id, now));
        try
        {
            await store.CommitAsync(changes, ct);
        }
        catch (Exception e) when (e is DuplicateException { Field: IdempotencyRecord.KeyField } or SeatsUnavailableException)
        {
            // A concurrent request with the same key may have committed first. Its seats are then the ones this request
            // found taken (the commit reserves seats before it records the key): answer with its result — or 422 if the
            // bodies differ — rather than 409 for a booking that exists.
            var winner = await ReplayAsync(key, hash, ct);
            if (winner is null) throw;
            return winner;
        }
        return new BookingRequestResult(booking.Id, json, Replayed: false);
    }

    /// <summary>
    /// The dry run: the quote the school would get for this request now, from its district's policy — the same checks as
    /// <see cref="RequestAsync"/> except the seat count (the store decides that when it books), nothing written.
    /// </summary>
    public async Task<Quote> QuoteAsync(Caller caller, CreateBookingRequest r, CancellationToken ct = default)
    {
        if (caller.Role != Role.School) throw new ForbiddenException("forbidden.schools-book");
        new Validator()
            .Require(r.SessionId is not null && r.SessionId != Guid.Empty, "sessionId", new("validation.required"))
            .Require(r.Pupils is >= 1 and <= 1000, "pupils", new("validation.range", 1, 1000))
            .Require(r.Grades is { Count: > 0 and <= 9 } g && g.All(x => x is >= 1 and <= 9) && g.Distinct().Count() == g.Count, "grades", new("offering.grades"))
            .Require(r.HardshipPupils is null || r.HardshipPupils >= 0 && r.HardshipPupils <= r.Pupils, "hardshipPupils", new("validation.range", 0, r.Pupils ?? 0))
            .ThrowIfInvalid();
        var now = clock.GetUtcNow();
        var session = await store.FindAsync<Session>(r.SessionId!.Value, ct) ?? throw new NotFoundException("session", r.SessionId);
        var offering = await store.FindAsync<Offering>(session.OfferingId, ct) ?? throw new NotFoundException("session", r.SessionId);
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("session", r.SessionId);
        var school = await store.FindAsync<School>(caller.OrganizationId, ct) ?? throw new NotFoundException("school", caller.OrganizationId);
        var (reach, _) = await BookingEligibility.ReachAsync(store, offering, provider, school, () => new NotFoundException("session", r.SessionId), ct);
        BookingEligibility.CheckRules(session, offering, school, reach, r.Pupils!.Value, r.Grades!, now);
        return (await quotes.QuoteAsync(school, offering.Content, [(session.StartsAt, session.EndsAt)], r.Pupils!.Value,
            r.HardshipPupils ?? 0, r.Grades!, ct))[0];
    }

    private async Task<BookingRequestResult?> ReplayAsync(string key, string hash, CancellationToken ct)
    {
        var record = await store.FindIdempotencyAsync(IdempotencyScope, key, ct);
        if (record is null) return null;
        return record.RequestHash == hash ? new BookingRequestResult(record.ResultId, record.ResponseJson, Replayed: true) : throw new IdempotencyMismatchException();
    }

    private static void Validate(CreateBookingRequest r) => new Validator()
        .Require(r.SessionId is not null && r.SessionId != Guid.Empty, "sessionId", new("validation.required"))
        .Require(r.Pupils is >= 1 and <= 1000, "pupils", new("validation.range", 1, 1000))
        .Require(r.Grades is { Count: > 0 and <= 9 } g && g.All(x => x is >= 1 and <= 9) && g.Distinct().Count() == g.Count, "grades", new("offering.grades"))
        .Text(r.ContactName, "contactName", 50)
        .Require(r.ContactPhone is { Length: >= 7 and <= 20 } p && p.All(c => char.IsAsciiDigit(c) || c is '-' or '+' or ' ') && p.Count(char.IsAsciiDigit) >= 7,
            "contactPhone", new("booking.contact-phone", 7))
        .Text(r.Note, "note", 500, required: false, multiline: true)
        .Require(r.HardshipPupils is null || r.HardshipPupils >= 0 && r.HardshipPupils <= r.Pupils, "hardshipPupils", new("validation.range", 0, r.Pupils ?? 0))
        .ThrowIfInvalid();

    private static string Hash(CreateBookingRequest r) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(StoreJson.Serialize(r with { Grades = r.Grades?.Order().ToArray() }))));
}
