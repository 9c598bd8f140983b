using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Sessions;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Catalog;

/// <summary>A district; <c>travelLimitKm</c> null: off-campus venues within the same city (<c>cityCode</c>) reach its schools.</summary>
public sealed record DistrictDto(string Code, string Name, string City, string Province, string CityCode, int? TravelLimitKm)
{
    public static DistrictDto From(District d) => new(d.Code, d.Name, d.City, d.Province, d.CityCode, d.TravelLimitKm);
}

/// <summary>
/// A provider with its white-list entries: <c>approvals</c> one per district applied to, each decided by that district's bureau;
/// <c>status</c> their summary (Approved if any entry is; else Suspended, Pending, Rejected); <c>homeDistrict</c> the first
/// district applied to, whose bureau reviews the provider's offerings while approved there.
/// </summary>
public sealed record ProviderDto(
    Guid Id, string Name, ProviderKind Kind, string CreditCode, string ContactName, string ContactPhone, IReadOnlyList<string> Districts,
    ProviderStatus Status, DateTimeOffset RegisteredAt, IReadOnlyList<ProviderDecision> Decisions, string HomeDistrict,
    IReadOnlyList<DistrictApproval> Approvals)
{
    public static ProviderDto From(Provider p) =>
        new(p.Id, p.Name, p.Kind, p.CreditCode, p.ContactName, p.ContactPhone, p.Districts, p.Status, p.RegisteredAt, p.Decisions, p.HomeDistrict, p.Approvals);
}

public sealed record OfferingDto(
    Guid Id, Guid ProviderId, string ProviderName, OfferingStatus Status, long Version, string Title, string Summary, string Description,
    Category Category, DeliveryMode Mode, IReadOnlyList<int> Grades, int MinGroup, int MaxGroup, int DurationMinutes, long PriceFen,
    Venue? Venue, IReadOnlyList<string> Districts, IReadOnlyList<string> Tags, int CancellationCutoffHours, string? RejectionReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<string> DistrictNames, IReadOnlyList<OfferingDecision> Decisions,
    IReadOnlyList<OfferingBlock> Blocks)
{
    /// <summary>Hours before a session that bookings close; null: the platform's setting for the mode.</summary>
    public int? MinLeadHours { get; init; }

    /// <summary>The 学科类 words flagged in its texts and the provider's justification, for the owner and its bureaus; else null.</summary>
    public ScreeningDto? Screening { get; init; }

    /// <param name="districtNames">Name by code (<c>DistrictQueries.NamesAsync</c>), read once for a whole list.</param>
    /// <param name="showDecisions">The review trail (who decided, the bureau's notes) and the districts' blocks only for the owner
    /// and its bureaus; others get them empty.</param>
    public static OfferingDto From(Offering o, string providerName, IReadOnlyDictionary<string, string> districtNames, bool showDecisions)
    {
        var c = o.Content;
        return new(o.Id, o.ProviderId, providerName, o.Status, o.Version, c.Title, c.Summary, c.Description, c.Category, c.Mode, c.Grades,
            c.MinGroup, c.MaxGroup, c.DurationMinutes, c.PriceFen, c.Venue, c.Districts, c.Tags, c.CancellationCutoffHours, o.RejectionReason,
            o.CreatedAt, o.UpdatedAt, NamesOf(c.Districts, districtNames), showDecisions ? o.Decisions : [], showDecisions ? o.Blocks : [])
        {
            MinLeadHours = c.MinLeadHours,
            Screening = showDecisions ? ScreeningDto.From(o.Screening) : null,
        };
    }

    /// <summary>The districts' names in the order of their codes; a code the platform no longer serves stands for itself.</summary>
    internal static IReadOnlyList<string> NamesOf(IReadOnlyList<string> codes, IReadOnlyDictionary<string, string> names) =>
        codes.Select(code => names.GetValueOrDefault(code, code)).ToArray();
}

/// <summary>
/// The screening of an offering's texts: <c>tier</c> Flag (Refuse never reaches an offering), the words found with the field and
/// the rule (<c>core-subject</c>, <c>tutoring</c>, <c>subject-course</c>, <c>exam-class</c> refuse; <c>ambiguous-subject</c>,
/// <c>ambiguous-word</c> flag), and the provider's justification.
/// </summary>
public sealed record ScreeningDto(ScreeningTier Tier, IReadOnlyList<ScreeningMatch> Matches, string? Justification, DateTimeOffset ScreenedAt)
{
    public static ScreeningDto? From(ScreeningRecord? r) => r is null ? null : new(r.Tier, r.Matches, r.Justification, r.ScreenedAt);
}

/// <summary>A session with the names a person reads (offering, provider, the offering's districts), the same in every answer.</summary>
public sealed record SessionDto(
    Guid Id, Guid OfferingId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string LocalDate, string LocalTime,
    int Capacity, int Reserved, int FreeSeats, SessionStatus Status, string? CancellationReason,
    string OfferingTitle, string ProviderName, IReadOnlyList<string> DistrictNames)
{
    /// <summary>"makeup-workday": on a make-up working day (调休), a weekend day that counts as a school day; "holiday": on a day
    /// configured as a holiday after the session was scheduled; else null.</summary>
    public string? CalendarNote { get; init; }

    /// <summary>When a 走出去 session was found below minGroup by its decision deadline: when, the pupils booked then, the minGroup.</summary>
    public UnderfilledNotice? Underfilled { get; init; }

    /// <summary>The provider's decision on an underfilled session: "Runs", or null (undecided; cancelling cancels the session).</summary>
    public SessionDecision? Decision { get; init; }

    public static SessionDto From(Session s, Offering offering, Provider provider, IReadOnlyDictionary<string, string> districtNames, SchoolCalendar calendar)
    {
        var start = ChinaTime.ToLocal(s.StartsAt);
        var end = ChinaTime.ToLocal(s.EndsAt);
        return new(s.Id, s.OfferingId, start, end, start.ToString("yyyy-MM-dd ddd", System.Globalization.CultureInfo.GetCultureInfo("zh-CN")),
            $"{start:HH:mm}–{end:HH:mm}", s.Capacity, s.Reserved, s.FreeSeats, s.Status, s.CancellationReason,
            offering.Content.Title, provider.Name, OfferingDto.NamesOf(offering.Content.Districts, districtNames))
        {
            CalendarNote = calendar.NoteFor(ChinaTime.DateOf(s.StartsAt)), Underfilled = s.Underfilled, Decision = s.Decision,
        };
    }

    public static SessionDto[] From(OfferingSessions found, IReadOnlyDictionary<string, string> districtNames, SchoolCalendar calendar) =>
        found.Sessions.Select(s => From(s, found.Offering, found.Provider, districtNames, calendar)).ToArray();
}

public sealed record ReasonRequest(string? Reason);

/// <summary>Districts a provider applies to, beyond those it has (each a pending entry for that district's bureau).</summary>
public sealed record ApplyDistrictsRequest(IReadOnlyList<string>? Districts);

/// <summary>
/// A bureau's decision on a provider's white-list entry: the decision's text as for <see cref="DecisionRequest"/>, and the
/// district whose entry it is — optional when the bureau shares exactly one district with the provider (a district bureau
/// has one), else required.
/// </summary>
public sealed record VettingRequest(string? Note, string? Reason, string? District)
{
    public string? Text => DecisionRequest.TextOf(new DecisionRequest(Note, Reason));
}

/// <summary>A suspension (reason required) or a block of an offering in one district: <c>district</c> as for <see cref="VettingRequest"/>.</summary>
public sealed record DistrictReasonRequest(string? Reason, string? District);

/// <summary>Lifting a block: <c>district</c> as for <see cref="VettingRequest"/>; the body may be left out.</summary>
public sealed record DistrictRequest(string? District);

/// <summary>
/// The body of the bureau's decisions, the same for providers and offerings, approve and reject: the decision's text as
/// <c>note</c> or <c>reason</c> (one field under two names; approving needs none, rejecting one).
/// </summary>
public sealed record DecisionRequest(string? Note, string? Reason)
{
    /// <summary>The text sent under either name; both with different texts is a 400 rather than a guess.</summary>
    public static string? TextOf(DecisionRequest? body)
    {
        if (body is { Note: { } note, Reason: { } reason } && note != reason)
            throw ValidationFailedException.For("note", "decision.note-or-reason");
        return body?.Reason ?? body?.Note;
    }
}
