using Marketplace.Core.Persistence;

namespace Marketplace.Api.Outbox;

/// <summary>Something the outbox feeds. Durable consumers (the index) get every event at least once and must be
/// idempotent; live consumers (SignalR) get new events once, best effort — the change feed is their guarantee.</summary>
public interface IOutboxConsumer
{
    /// <summary>Checkpoint name in the store (durable consumers, and live ones shared across instances).</summary>
    string Name { get; }

    bool IsLive { get; }

    /// <summary>A live consumer that every instance runs for every event, for its own listeners (the web UI's circuits):
    /// never claimed through the shared checkpoint, even with a Redis backplane.</summary>
    bool PerInstance => false;

    Task HandleAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct);
}
