using System.Text.Json;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Events;

/// <summary>
/// A domain event written to the outbox in the same transaction as the change it describes.
/// The store assigns <see cref="Cursor"/>, a monotonic position in the change feed.
/// </summary>
public sealed record OutboxMessage(Guid Id, string Type, DateTimeOffset At, IReadOnlyList<string> Audiences, string Data)
{
    public long Cursor { get; init; }

    public static OutboxMessage Create<T>(string type, DateTimeOffset at, IEnumerable<string> audiences, T data) =>
        new(Ids.New(), type, at, audiences.Distinct().ToArray(), JsonSerializer.Serialize(data, StoreJson.Options));
}

public static class EventTypes
{
    public const string ProviderChanged = "providerChanged";
    public const string OfferingChanged = "offeringChanged";
    public const string SessionsChanged = "sessionsChanged";
    public const string BookingChanged = "bookingChanged";
    public const string AvailabilityChanged = "availabilityChanged";
}

/// <summary>Payloads carried by catalog events; consumers (index, live clients) reload state from the store.</summary>
public sealed record ProviderChangedData(Guid ProviderId, string Status);

public sealed record OfferingChangedData(Guid OfferingId, Guid ProviderId, string Status, long Version);

public sealed record SessionsChangedData(Guid OfferingId, IReadOnlyList<Guid> SessionIds);

/// <summary>Seat counts are filled in when the event is delivered live (the stored event names the session only).</summary>
public sealed record AvailabilityChangedData(Guid OfferingId, Guid SessionId, int? Capacity, int? Reserved, int? FreeSeats);
