using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>One school's group booked onto many sessions of an offering in one request (issue 13, kind <c>booking_series</c>).</summary>
public sealed class BookingSeries : IAggregate
{
    [JsonConstructor]
    private BookingSeries() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
}
