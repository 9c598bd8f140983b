using System.Text.Json;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog;

/// <summary>Payloads of catalog events; consumers (index, live clients) reload state from the store.</summary>
public sealed record ProviderChangedData(Guid ProviderId, string Status);

public sealed record OfferingChangedData(Guid OfferingId, Guid ProviderId, string Status, long Version);

public sealed record SessionsChangedData(Guid OfferingId, IReadOnlyList<Guid> SessionIds);

/// <summary>A 走出去 session below minGroup by its decision deadline (<see cref="Decision"/> null), or run anyway ("runs"); <see cref="StartsAt"/> in Beijing time, as the feed shows it.</summary>
public sealed record SessionUnderfilledData(Guid SessionId, Guid OfferingId, Guid ProviderId, DateTimeOffset StartsAt, int Pupils, int MinGroup, string? Decision);

/// <summary>Seats moved on a session. Seat counts are read when the event is delivered (the stored event names the session only).</summary>
public sealed record AvailabilityChangedData(Guid OfferingId, Guid SessionId, int? Capacity, int? Reserved, int? FreeSeats);

/// <summary>A district was created or its settings (travel limit, centre) changed: who may see what there is worked out again.</summary>
public sealed record DistrictChangedData(string Code);

public static class CatalogEvents
{
    /// <summary>Addressed to the district's bureaus; the index re-projects what the district's schools may see.</summary>
    public static OutboxMessage DistrictChanged(string code, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.DistrictChanged, at, [Audience.District(code)], new DistrictChangedData(code));

    /// <summary>Addressed to the provider itself and the bureaus of its districts.</summary>
    public static OutboxMessage ProviderChanged(Provider p, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.ProviderChanged, at,
            [Audience.Organization(p.Id), .. p.Districts.Select(Audience.District)], new ProviderChangedData(p.Id, p.Status.ToString()));

    /// <summary>Addressed to the provider, the offering's watchers, the bureaus of its districts and <paramref name="bookedSchools"/>
    /// (pause, resume, archive: the schools holding live bookings of it).</summary>
    public static OutboxMessage OfferingChanged(Offering o, Provider provider, DateTimeOffset at, IEnumerable<Guid>? bookedSchools = null) =>
        OutboxMessage.Create(EventTypes.OfferingChanged, at,
            [Audience.Organization(o.ProviderId), Audience.Offering(o.Id), .. provider.Districts.Select(Audience.District),
             .. (bookedSchools ?? []).Select(Audience.Organization)],
            new OfferingChangedData(o.Id, o.ProviderId, o.Status.ToString(), o.Version));

    public static OutboxMessage SessionsChanged(Offering o, IEnumerable<Guid> sessionIds, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.SessionsChanged, at,
            [Audience.Organization(o.ProviderId), Audience.Offering(o.Id)], new SessionsChangedData(o.Id, sessionIds.ToArray()));

    /// <summary>To the provider and the schools booked on the session (<paramref name="schools"/>): it is below minGroup, or runs anyway.</summary>
    public static OutboxMessage SessionUnderfilled(Session s, UnderfilledNotice notice, IEnumerable<Guid> schools, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.SessionUnderfilled, at, [Audience.Organization(s.ProviderId), .. schools.Select(Audience.Organization)],
            new SessionUnderfilledData(s.Id, s.OfferingId, s.ProviderId, ChinaTime.ToLocal(s.StartsAt), notice.Pupils, notice.MinGroup,
                s.Decision is { } d ? JsonNamingPolicy.CamelCase.ConvertName(d.ToString()) : null));

    /// <summary>Seats moved on a session: watchers of the offering and its provider hear about it.</summary>
    public static OutboxMessage AvailabilityChanged(Guid offeringId, Guid sessionId, Guid providerId, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.AvailabilityChanged, at, [Audience.Organization(providerId), Audience.Offering(offeringId)],
            new AvailabilityChangedData(offeringId, sessionId, null, null, null));
}
