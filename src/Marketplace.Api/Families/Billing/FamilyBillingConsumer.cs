using System.Text.Json;
using Marketplace.Api.Outbox;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Families.RollCall;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;

namespace Marketplace.Api.Families.Billing;

/// <summary>
/// Bills families from the outbox: an application's step (<c>selectionChanged</c>) bills its final placements or stops its lines on a
/// withdrawal; a roll call (<c>rollCallChanged</c>) credits absences. Durable (at least once, checkpointed); every step is state-based,
/// so an event seen twice changes nothing.
/// </summary>
internal sealed partial class FamilyBillingConsumer(FamilyBilling billing, ILogger<FamilyBillingConsumer> logger) : IOutboxConsumer
{
    public string Name => "family-billing";

    public bool IsLive => false;

    public async Task HandleAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
    {
        foreach (var message in batch)
        {
            try
            {
                await HandleAsync(message, ct);
            }
            catch (Exception e) when (e is Core.Shared.DomainRuleException or Core.Shared.ValidationFailedException)
            {
                // Deterministic: the same event would fail again and hold every later bill back. Logged for the operator; the
                // bill catches up at the pupil's next event (every step recomputes from the state).
                LogSkipped(logger, message.Id, message.Type, e);
            }
        }
    }

    private async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        {
            if (message.Type == EventTypes.SelectionChanged
                && JsonSerializer.Deserialize<SelectionChangedData>(message.Data, StoreJson.Options) is { ApplicationId: { } application })
                await billing.ApplicationChangedAsync(application, ct);
            else if (message.Type == EventTypes.RollCallChanged && JsonSerializer.Deserialize<RollCallChangedData>(message.Data, StoreJson.Options) is { } roll)
                await billing.RollChangedAsync(roll.BookingId, ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Family billing skipped event {EventId} ({Type})")]
    private static partial void LogSkipped(ILogger logger, Guid eventId, string type, Exception e);
}
