using Marketplace.Core.Catalog;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Catalog;

/// <summary>A district; <c>travelLimitKm</c> null: off-campus venues within the same city (<c>cityCode</c>) reach its schools.</summary>
public sealed record DistrictDto(string Code, string Name, string City, string Province, string CityCode, int? TravelLimitKm)
{
    public static DistrictDto From(District d) => new(d.Code, d.Name, d.City, d.Province, d.CityCode, d.TravelLimitKm);
}

public sealed record ProviderDto(
    Guid Id, string Name, ProviderKind Kind, string CreditCode, string ContactName, string ContactPhone, IReadOnlyList<string> Districts,
    ProviderStatus Status, DateTimeOffset RegisteredAt, IReadOnlyList<ProviderDecision> Decisions)
{
    public static ProviderDto From(Provider p) =>
        new(p.Id, p.Name, p.Kind, p.CreditCode, p.ContactName, p.ContactPhone, p.Districts, p.Status, p.RegisteredAt, p.Decisions);
}

public sealed record OfferingDto(
    Guid Id, Guid ProviderId, string ProviderName, OfferingStatus Status, long Version, string Title, string Summary, string Description,
    Category Category, DeliveryMode Mode, IReadOnlyList<int> Grades, int MinGroup, int MaxGroup, int DurationMinutes, long PriceFen,
    Venue? Venue, IReadOnlyList<string> Districts, IReadOnlyList<string> Tags, int CancellationCutoffHours, string? RejectionReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static OfferingDto From(Offering o, string providerName)
    {
        var c = o.Content;
        return new(o.Id, o.ProviderId, providerName, o.Status, o.Version, c.Title, c.Summary, c.Description, c.Category, c.Mode, c.Grades,
            c.MinGroup, c.MaxGroup, c.DurationMinutes, c.PriceFen, c.Venue, c.Districts, c.Tags, c.CancellationCutoffHours, o.RejectionReason,
            o.CreatedAt, o.UpdatedAt);
    }
}

public sealed record SessionDto(
    Guid Id, Guid OfferingId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string LocalDate, string LocalTime,
    int Capacity, int Reserved, int FreeSeats, SessionStatus Status, string? CancellationReason)
{
    public static SessionDto From(Session s)
    {
        var start = ChinaTime.ToLocal(s.StartsAt);
        var end = ChinaTime.ToLocal(s.EndsAt);
        return new(s.Id, s.OfferingId, start, end, start.ToString("yyyy-MM-dd ddd", System.Globalization.CultureInfo.GetCultureInfo("zh-CN")),
            $"{start:HH:mm}–{end:HH:mm}", s.Capacity, s.Reserved, s.FreeSeats, s.Status, s.CancellationReason);
    }
}

public sealed record ReasonRequest(string? Reason);

public sealed record NoteRequest(string? Note);
