using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Bookings;

/// <summary>
/// A school's group waiting for seats on a full session (issue 13, kind <c>waitlist</c>). Only its identity is here so that the
/// store knows the kind and migration 5 creates its table and indexes; the waiting-list package fills in the rest.
/// </summary>
public sealed class WaitlistEntry : IAggregate
{
    [JsonConstructor]
    private WaitlistEntry() { }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
}
