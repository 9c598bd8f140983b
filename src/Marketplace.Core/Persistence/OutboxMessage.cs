using System.Text.Json;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Persistence;

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

/// <summary>The outbox vocabulary; each module defines the payloads of its own events.</summary>
public static class EventTypes
{
    public const string ProviderChanged = "providerChanged";
    public const string OfferingChanged = "offeringChanged";
    public const string SessionsChanged = "sessionsChanged";
    public const string SessionUnderfilled = "sessionUnderfilled";
    public const string BookingChanged = "bookingChanged";
    public const string BookingSeriesChanged = "bookingSeriesChanged";
    public const string AvailabilityChanged = "availabilityChanged";
    public const string WaitlistChanged = "waitlistChanged";
    public const string DistrictChanged = "districtChanged";
    public const string FundingPolicyChanged = "fundingPolicyChanged";
    public const string PaymentChanged = "paymentChanged";
    public const string RecommendationsSent = "recommendationsSent";
    public const string RollCallChanged = "rollCallChanged";
    public const string SelectionChanged = "selectionChanged";
    public const string ClassListChanged = "classListChanged";
}
