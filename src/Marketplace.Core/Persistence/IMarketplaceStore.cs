using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;
using Marketplace.Core.Schools;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Persistence;

/// <summary>
/// Port: the primary store (SQLite embedded, MongoDB in production). Reads return aggregates;
/// every write goes through <see cref="CommitAsync"/>, which applies a <see cref="StoreChanges"/>
/// — documents, seat counters, outbox events, idempotency records — in ONE transaction.
/// The outbox is read back through the other port of the same adapter, <see cref="IOutboxFeed"/>.
/// </summary>
public interface IMarketplaceStore
{
    /// <summary>Creates the schema / collections and indexes; safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken ct = default);

    Task<bool> IsHealthyAsync(CancellationToken ct = default);

    /// <summary>Applies all changes atomically or none. Throws <see cref="ConcurrencyConflictException"/>
    /// on a version mismatch, <see cref="SeatsUnavailableException"/> when a seat reservation does not fit,
    /// and <see cref="DuplicateException"/> on a unique value already taken.</summary>
    Task CommitAsync(StoreChanges changes, CancellationToken ct = default);

    Task<T?> FindAsync<T>(Guid id, CancellationToken ct = default) where T : class, IAggregate;

    Task<IReadOnlyList<T>> FindManyAsync<T>(IReadOnlyCollection<Guid> ids, CancellationToken ct = default) where T : class, IAggregate;

    Task<User?> FindUserAsync(string username, CancellationToken ct = default);

    Task<Provider?> FindProviderByCreditCodeAsync(string creditCode, CancellationToken ct = default);

    Task<IReadOnlyList<Offering>> ListOfferingsAsync(Guid? providerId, OfferingStatus? status, CancellationToken ct = default);

    /// <summary>One page of providers, in id order (<see cref="ProviderFilter"/>).</summary>
    Task<IReadOnlyList<Provider>> ListProvidersAsync(ProviderFilter filter, CancellationToken ct = default);

    /// <summary>One page of offerings, in id order (<see cref="OfferingFilter"/>).</summary>
    Task<IReadOnlyList<Offering>> ListOfferingsAsync(OfferingFilter filter, CancellationToken ct = default);

    /// <summary>One page of an offering's sessions, by start time then id (<see cref="SessionFilter"/>).</summary>
    Task<IReadOnlyList<Session>> ListSessionsAsync(SessionFilter filter, CancellationToken ct = default);

    /// <summary>Streams every offering (for index rebuilds), oldest first, in pages.</summary>
    IAsyncEnumerable<Offering> StreamOfferingsAsync(CancellationToken ct = default);

    Task<IReadOnlyList<Session>> ListSessionsForOfferingsAsync(IReadOnlyCollection<Guid> offeringIds, DateTimeOffset endsAfter, CancellationToken ct = default);

    /// <summary>
    /// Whether the school holds a live booking (Requested or Confirmed) of the offering: it keeps seeing an offering it booked
    /// when the offering is paused. Ids only, so that Catalog asks without knowing bookings.
    /// </summary>
    Task<bool> HasLiveBookingAsync(Guid schoolId, Guid offeringId, CancellationToken ct = default);

    /// <summary>The schools holding live bookings (Requested or Confirmed) of the offering, at most <paramref name="limit"/>, in id order.</summary>
    Task<IReadOnlyList<Guid>> ListSchoolsWithLiveBookingsAsync(Guid offeringId, int limit, CancellationToken ct = default);

    /// <summary>Scheduled sessions of every offering starting in [<paramref name="from"/>, <paramref name="to"/>), by start time then id, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Session>> ListSessionsStartingAsync(DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken ct = default);

    Task<IReadOnlyList<School>> ListSchoolsAsync(CancellationToken ct = default);

    Task<SchoolPlan?> FindSchoolPlanAsync(Guid schoolId, string semester, CancellationToken ct = default);

    Task<IReadOnlyList<Booking>> ListBookingsAsync(BookingFilter filter, CancellationToken ct = default);

    /// <summary>Booking series newest first (<see cref="SeriesFilter"/>).</summary>
    Task<IReadOnlyList<BookingSeries>> ListBookingSeriesAsync(SeriesFilter filter, CancellationToken ct = default);

    Task<int> CountBookingsForSessionAsync(Guid sessionId, CancellationToken ct = default);

    /// <summary>
    /// What the school's bookings whose session starts in [<paramref name="startsFrom"/>, <paramref name="startsBefore"/>) commit
    /// of its fund, summed by the store (over ix_bookings_school_start), so a booking request does not read every booking of
    /// the semester: Requested/Confirmed their quote's total, Completed the unit price × pupils attended (the total when not
    /// recorded), anything else 0 — the rule of <c>PlanAdvisor.CommittedFen</c>, which the store contract checks it against.
    /// </summary>
    Task<long> SumCommittedFenAsync(Guid schoolId, DateTimeOffset startsFrom, DateTimeOffset startsBefore, CancellationToken ct = default);

    Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken ct = default);

    Task<IdempotencyRecord?> FindIdempotencyAsync(string scope, string key, CancellationToken ct = default);

    // Accounts and audit

    /// <summary>One page of users, in id order (<see cref="UserFilter"/>).</summary>
    Task<IReadOnlyList<User>> ListUsersAsync(UserFilter filter, CancellationToken ct = default);

    /// <summary>One page of the audit trail, newest first (<see cref="AuditFilter"/>).</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditFilter filter, CancellationToken ct = default);

    /// <summary>One page of bureaus, in id order (<see cref="BureauFilter"/>).</summary>
    Task<IReadOnlyList<Bureau>> ListBureausAsync(BureauFilter filter, CancellationToken ct = default);

    // School roster

    /// <summary>One page of schools, in id order (<see cref="SchoolFilter"/>).</summary>
    Task<IReadOnlyList<School>> ListSchoolsAsync(SchoolFilter filter, CancellationToken ct = default);

    /// <summary>The schools holding any of these 学校标识码.</summary>
    Task<IReadOnlyList<School>> FindSchoolsByCodeAsync(IReadOnlyCollection<string> schoolCodes, CancellationToken ct = default);

    /// <summary>The users with any of these usernames (normalised as <see cref="User.NormalizeUsername"/> does).</summary>
    Task<IReadOnlyList<User>> FindUsersAsync(IReadOnlyCollection<string> usernames, CancellationToken ct = default);

    // Waiting list

    /// <summary>Waiting-list entries in queue order, oldest id first (<see cref="WaitlistFilter"/>).</summary>
    Task<IReadOnlyList<WaitlistEntry>> ListWaitlistAsync(WaitlistFilter filter, CancellationToken ct = default);

    // Settlement (issue 15)

    /// <summary>One page of ledger transactions in posting order — by <see cref="LedgerTransaction.PostedAt"/>, ties by id (<see cref="LedgerFilter"/>).</summary>
    Task<IReadOnlyList<LedgerTransaction>> ListLedgerAsync(LedgerFilter filter, CancellationToken ct = default);

    /// <summary>
    /// The entries of every transaction <paramref name="filter"/> matches (its Limit and After ignored), summed by the store per
    /// account and transaction kind: debits and credits apart. Statements and balances read this, never every transaction.
    /// </summary>
    Task<IReadOnlyList<LedgerTotal>> SumLedgerAsync(LedgerFilter filter, CancellationToken ct = default);

    /// <summary>Payments newest first (<see cref="PaymentFilter"/>).</summary>
    Task<IReadOnlyList<Payment>> ListPaymentsAsync(PaymentFilter filter, CancellationToken ct = default);

    /// <summary>
    /// Completed bookings whose recorded delivery is still <see cref="DeliveryStatus.Recorded"/> and whose dispute window ended
    /// before <paramref name="dueBefore"/> (silence confirms them), oldest due first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<Booking>> ListDeliveriesDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken ct = default);

    // Reports (issue 16)

    /// <summary>
    /// Districts' bookings of a span of session starts, grouped and counted by the store (<see cref="BookingTally"/>), so the coverage
    /// report of a city reads a few thousand groups, never its million bookings.
    /// </summary>
    Task<IReadOnlyList<BookingTally>> TallyBookingsAsync(BookingTallyFilter filter, CancellationToken ct = default);

    /// <summary>
    /// The same bookings rolled up for the coverage report (<see cref="BookingRollup"/>; equal to <see cref="BookingRollup.Of"/> of
    /// <see cref="TallyBookingsAsync"/>): a whole semester is rolled up by the store from the groups it keeps.
    /// </summary>
    Task<BookingRollup> RollUpBookingsAsync(BookingTallyFilter filter, CancellationToken ct = default);

    // Matching (issue 16)

    /// <summary>The recommendation notices sent to a school, newest first (version-7 ids follow the send time).</summary>
    Task<IReadOnlyList<Matching.RecommendationNotice>> ListRecommendationNoticesAsync(Guid schoolId, int limit, CancellationToken ct = default);
    // Families (issue 18)

    /// <summary>One page of pupils, in id order (<see cref="PupilFilter"/>).</summary>
    Task<IReadOnlyList<Families.Pupil>> ListPupilsAsync(PupilFilter filter, CancellationToken ct = default);

    /// <summary>The pupils holding any of these roster keys (<see cref="Families.Pupil.KeyOf"/>).</summary>
    Task<IReadOnlyList<Families.Pupil>> FindPupilsByRosterKeyAsync(IReadOnlyCollection<string> rosterKeys, CancellationToken ct = default);

    /// <summary>The users with any of these phone numbers (guardians; no other user has one).</summary>
    Task<IReadOnlyList<User>> FindUsersByPhoneAsync(IReadOnlyCollection<string> phones, CancellationToken ct = default);

    /// <summary>Pupils per school of the districts, counted by the store: all, and those with a consent in force.</summary>
    Task<IReadOnlyList<PupilCount>> CountPupilsAsync(IReadOnlyCollection<string> districts, CancellationToken ct = default);

    /// <summary>The roll calls that mark this pupil (present or absent), latest session first.</summary>
    Task<IReadOnlyList<Families.RollCall.Roll>> ListRollsOfPupilAsync(Guid pupilId, int limit, CancellationToken ct = default);

    /// <summary>Per school of the districts: distinct pupils marked present by the roll calls of sessions starting in [from, before).</summary>
    Task<IReadOnlyList<PresentPupilCount>> CountPresentPupilsAsync(IReadOnlyCollection<string> districts, DateTimeOffset from, DateTimeOffset before,
        CancellationToken ct = default);
    /// <summary>Selection windows of the schools, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<Families.Selection.SelectionWindow>> ListSelectionWindowsAsync(IReadOnlyCollection<Guid> schoolIds, int limit, CancellationToken ct = default);

    /// <summary>One page of selection applications, in id order (<see cref="SelectionApplicationFilter"/>).</summary>
    Task<IReadOnlyList<Families.Selection.SelectionApplication>> ListSelectionApplicationsAsync(SelectionApplicationFilter filter, CancellationToken ct = default);

    /// <summary>One page of family bills, in id order (<see cref="FamilyBillFilter"/>).</summary>
    Task<IReadOnlyList<Families.Billing.FamilyBill>> ListFamilyBillsAsync(FamilyBillFilter filter, CancellationToken ct = default);

    /// <summary>
    /// The bills matching <paramref name="filter"/> (its paging ignored) summed per school by the store: one query, no bill read into the
    /// caller (the bureau's family-fee totals, the school's totals row).
    /// </summary>
    Task<IReadOnlyList<FamilyBillTotal>> SumFamilyBillsAsync(FamilyBillFilter filter, CancellationToken ct = default);

    /// <summary>
    /// How many pupils wait ahead of one application for one programme of a first-come window: the live applications (neither
    /// rejected nor withdrawn) of <paramref name="windowId"/> submitted before <paramref name="submittedAt"/>, or at that instant with a
    /// smaller pupil id (the first-come order: submittedAt, then pupil id), that ranked <paramref name="programmeId"/>, were not placed
    /// on it and whose grade is one of <paramref name="grades"/> (null or empty: every grade). The application's waiting place is
    /// this count + 1; counted by the store, no application is read.
    /// </summary>
    Task<int> CountSelectionWaitingAheadAsync(Guid windowId, Guid programmeId, DateTimeOffset submittedAt, Guid pupilId, IReadOnlyCollection<int>? grades,
        CancellationToken ct = default);

    /// <summary>The pupils of <see cref="PupilActivityFilter.PupilIds"/> with an activity in the semester (<see cref="PupilActivityFilter"/>),
    /// answered for the whole list at once (a window's applicants), each at most once.</summary>
    Task<IReadOnlyCollection<Guid>> FindPupilsWithActivityAsync(PupilActivityFilter filter, CancellationToken ct = default);

    /// <summary>How many applications <paramref name="filter"/> matches (its window, grade, class or pupil; <c>Limit</c> and <c>After</c> ignored):
    /// the total a page of them belongs to, counted by the store over the list's own index.</summary>
    Task<int> CountSelectionApplicationsAsync(SelectionApplicationFilter filter, CancellationToken ct = default);
}

/// <summary>
/// Ledger transactions of any of <see cref="Districts"/> (null: every district), of one school and/or one provider, posted in
/// [<see cref="From"/>, <see cref="Before"/>). <see cref="After"/>: only transactions after that one in posting order — the next page.
/// </summary>
public sealed record LedgerFilter(
    IReadOnlyCollection<string>? Districts = null, Guid? SchoolId = null, Guid? ProviderId = null, DateTimeOffset? From = null,
    DateTimeOffset? Before = null, int Limit = 500, LedgerKey? After = null);

/// <summary>A transaction's place in the posting order.</summary>
public sealed record LedgerKey(DateTimeOffset PostedAt, Guid Id);

/// <summary>What one account moved in transactions of one kind: debits (positive entries) and credits (negative) summed apart, and how many entries.</summary>
public sealed record LedgerTotal(string Account, LedgerKind Kind, long DebitFen, long CreditFen, long Entries)
{
    public long NetFen => DebitFen + CreditFen;
}

/// <summary>Payments newest first: of one school and/or provider, of districts, in one state, created in [<see cref="From"/>, <see cref="Before"/>).</summary>
public sealed record PaymentFilter(
    Guid? SchoolId = null, Guid? ProviderId = null, IReadOnlyCollection<string>? Districts = null, PaymentState? State = null,
    DateTimeOffset? From = null, DateTimeOffset? Before = null, int Limit = 500);

/// <summary>
/// Waiting-list entries, oldest id first (the queue order): of one session and/or one school, optionally in one status;
/// <see cref="HeldBefore"/>: only holds running out before then.
/// </summary>
public sealed record WaitlistFilter(
    Guid? SessionId = null, Guid? SchoolId = null, WaitlistStatus? Status = null, DateTimeOffset? HeldBefore = null, int Limit = 500);

/// <summary>Bookings newest first. <see cref="Before"/>: only those created before that booking (ids are version-7, time-ordered) — the next page.</summary>
public sealed record BookingFilter(
    Guid? SchoolId = null, Guid? ProviderId = null, Guid? OfferingId = null, Guid? SessionId = null,
    IReadOnlyCollection<string>? Districts = null, BookingStatus? Status = null,
    DateTimeOffset? ExpiresBefore = null, int Limit = 500, Guid? Before = null)
{
    /// <summary>Only bookings whose session starts at or after this instant (a school's plan summary: its semester).</summary>
    public DateTimeOffset? StartsFrom { get; init; }

    /// <summary>Only bookings whose session starts before this instant.</summary>
    public DateTimeOffset? StartsBefore { get; init; }
}

/// <summary>Booking series newest first, as <see cref="BookingFilter"/>: of a school, of a provider or of districts, optionally in one status;
/// <see cref="ExpiresBefore"/> for the expiry sweep; <see cref="Before"/>: only those created before that series — the next page.</summary>
public sealed record SeriesFilter(
    Guid? SchoolId = null, Guid? ProviderId = null, IReadOnlyCollection<string>? Districts = null, SeriesStatus? Status = null,
    DateTimeOffset? ExpiresBefore = null, int Limit = 500, Guid? Before = null);

/// <summary>
/// Providers, oldest id first, matched on their white-list entries (<see cref="Provider.Approvals"/>): <see cref="Districts"/>,
/// only those with an entry in any of them; <see cref="Status"/>, only those with an entry in that status — in one of
/// <see cref="Districts"/> when both are given (one entry must hold both). <see cref="After"/>: only ids after it — the next page.
/// </summary>
public sealed record ProviderFilter(ProviderStatus? Status = null, IReadOnlyCollection<string>? Districts = null, int Limit = 500, Guid? After = null);

/// <summary>
/// Offerings, oldest id first: of one provider, or of any of <see cref="ProviderIds"/> (both may be given), optionally in one
/// status. <see cref="After"/>: only ids after it — the next page.
/// </summary>
public sealed record OfferingFilter(
    Guid? ProviderId = null, IReadOnlyCollection<Guid>? ProviderIds = null, OfferingStatus? Status = null, int Limit = 500, Guid? After = null);

/// <summary>An offering's sessions by start time, ties by id. <see cref="After"/>: only those after that (start, id) — the next page.</summary>
public sealed record SessionFilter(Guid OfferingId, int Limit = 500, SessionKey? After = null);

/// <summary>A session's place in the start-time order.</summary>
public sealed record SessionKey(DateTimeOffset StartsAt, Guid Id);

/// <summary>The stored answer to a request made with an idempotency key: the resource it created and the exact body sent.</summary>
public sealed record IdempotencyRecord(string Scope, string Key, string RequestHash, Guid ResultId, string ResponseJson, DateTimeOffset CreatedAt)
{
    /// <summary>The field a store's <see cref="DuplicateException"/> names when the key was taken by a concurrent commit.</summary>
    public const string KeyField = "idempotencyKey";
}

/// <summary>The idempotency key was used before with a different request.</summary>
public sealed class IdempotencyMismatchException()
    : Exception("This idempotency key was already used with a different request body.")
{
    public UserMessage Detail { get; } = new("idempotency-mismatch");
}

/// <summary>A session whose seat reservation did not fit, and how many seats it had left then.</summary>
public sealed record SeatShortfall(Guid SessionId, int SeatsLeft);

/// <summary>
/// Thrown by the store when conditional seat reservations do not fit: every one of the commit that did not (the store tries
/// them all before it rolls the commit back, so the list describes one moment). <see cref="SessionId"/> and
/// <see cref="SeatsLeft"/> are the first.
/// </summary>
public sealed class SeatsUnavailableException : DomainRuleException
{
    public SeatsUnavailableException(Guid sessionId, int seatsLeft) : this([new SeatShortfall(sessionId, seatsLeft)]) { }

    public SeatsUnavailableException(IReadOnlyList<SeatShortfall> shortfalls) : base("seats-unavailable", First(shortfalls).SeatsLeft) =>
        Shortfalls = shortfalls;

    public IReadOnlyList<SeatShortfall> Shortfalls { get; }
    public Guid SessionId => Shortfalls[0].SessionId;
    public int SeatsLeft => Shortfalls[0].SeatsLeft;

    public override IReadOnlyDictionary<string, object?> Extensions => Shortfalls.Count == 1
        ? new Dictionary<string, object?> { ["seatsLeft"] = SeatsLeft }
        : new Dictionary<string, object?> { ["seatsLeft"] = SeatsLeft, ["sessions"] = Shortfalls };

    private static SeatShortfall First(IReadOnlyList<SeatShortfall> shortfalls) =>
        shortfalls is [var first, ..] ? first : throw new ArgumentException("At least one shortfall.", nameof(shortfalls));
}
