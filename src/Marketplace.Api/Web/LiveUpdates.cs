using System.Collections.Concurrent;
using Marketplace.Api.Outbox;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;

namespace Marketplace.Api.Web;

/// <summary>
/// One outbox event as an open page hears it. <see cref="Kind"/> is the outbox type (<see cref="EventTypes"/>); the ids say
/// what changed; seat counts are read at delivery, so they are current; <see cref="Status"/> is the new status of a
/// booking, series, waiting-list entry or offering.
/// </summary>
public sealed record LiveEvent(
    string Kind, long Cursor, DateTimeOffset At, IReadOnlyList<string> Audiences,
    Guid? OfferingId = null, Guid? SessionId = null, Guid? BookingId = null, Guid? SeriesId = null, Guid? EntryId = null,
    string? Status = null, int? FreeSeats = null, int? Reserved = null, int? Capacity = null);

/// <summary>
/// This instance's open pages and the audiences they listen to (<see cref="Core.Shared.Audience"/>: their organisation, an
/// offering they show). Fed by <see cref="UiLiveConsumer"/>, which every instance runs over the shared outbox, so a change
/// committed on another instance reaches pages open here (no in-process shortcut). A page subscribes only to audiences
/// its caller may hear: its own organisation, its bureau's districts, offerings it was allowed to read.
/// </summary>
public sealed partial class LiveUpdates(ILogger<LiveUpdates> logger)
{
    private readonly ConcurrentDictionary<Guid, Listener> _listeners = new();

    public IDisposable Subscribe(IEnumerable<string> audiences, Func<LiveEvent, Task> handler)
    {
        var id = Guid.NewGuid();
        _listeners[id] = new Listener(audiences.ToHashSet(StringComparer.Ordinal), handler);
        return new Subscription(() => _listeners.TryRemove(id, out _));
    }

    /// <summary>How many pages listen on this instance (for tests and the metrics page).</summary>
    public int Count => _listeners.Count;

    internal async Task PublishAsync(LiveEvent e)
    {
        foreach (var listener in _listeners.Values)
        {
            if (!e.Audiences.Any(listener.Audiences.Contains)) continue;
            try { await listener.Handler(e); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A page that went away mid-render must not stop the others from hearing the event.
                LogListenerFailed(logger, ex, e.Kind);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A live listener failed on {Kind}")]
    private static partial void LogListenerFailed(ILogger logger, Exception exception, string kind);

    private sealed record Listener(HashSet<string> Audiences, Func<LiveEvent, Task> Handler);

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }
}

/// <summary>Audiences only the web UI's pages listen to (never a hub group or a change-feed audience).</summary>
public static class LiveAudiences
{
    /// <summary>
    /// The pages showing a selection window: every step of any application in it (a seat taken or given back), without saying
    /// whose — a page subscribes only after the caller read the window, and reads what it shows again through the use cases.
    /// </summary>
    public static string SelectionWindow(Guid windowId) => "ui-selection-window:" + windowId.ToString("N");
}

/// <summary>
/// The outbox events for this instance's open pages. A per-instance live consumer: every instance reads every new event from
/// the shared outbox (never claimed through the shared checkpoint), as <see cref="LivePushConsumer"/> does for SignalR clients.
/// </summary>
internal sealed class UiLiveConsumer(LiveUpdates live, IMarketplaceStore store) : IOutboxConsumer
{
    public string Name => "web-ui";

    public bool IsLive => true;

    public bool PerInstance => true;

    public async Task HandleAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
    {
        if (live.Count == 0) return;
        foreach (var e in batch)
        {
            switch (e.Type)
            {
                case EventTypes.BookingChanged:
                    var b = StoreJson.Deserialize<BookingChangedData>(e.Data);
                    await live.PublishAsync(new(e.Type, e.Cursor, e.At, e.Audiences, b.OfferingId, b.SessionId, b.BookingId, b.SeriesId, Status: b.NewStatus));
                    break;
                case EventTypes.BookingSeriesChanged:
                    var s = StoreJson.Deserialize<BookingSeriesChangedData>(e.Data);
                    await live.PublishAsync(new(e.Type, e.Cursor, e.At, e.Audiences, s.OfferingId, SeriesId: s.SeriesId, Status: s.NewStatus));
                    break;
                case EventTypes.WaitlistChanged:
                    var w = StoreJson.Deserialize<WaitlistChangedData>(e.Data);
                    await live.PublishAsync(new(e.Type, e.Cursor, e.At, e.Audiences, w.OfferingId, w.SessionId, EntryId: w.EntryId, Status: w.NewStatus));
                    break;
                case EventTypes.OfferingChanged:
                    var o = StoreJson.Deserialize<OfferingChangedData>(e.Data);
                    await live.PublishAsync(new(e.Type, e.Cursor, e.At, e.Audiences, o.OfferingId, Status: o.Status));
                    break;
                case EventTypes.SessionUnderfilled:
                    var u = StoreJson.Deserialize<SessionUnderfilledData>(e.Data);
                    await live.PublishAsync(new(e.Type, e.Cursor, e.At, e.Audiences, u.OfferingId, u.SessionId, Status: u.Decision));
                    break;
                case EventTypes.AvailabilityChanged:
                    var a = StoreJson.Deserialize<AvailabilityChangedData>(e.Data);
                    await PublishSeatsAsync(e, a.OfferingId, a.SessionId, ct);
                    break;
                case EventTypes.SessionsChanged:
                    var changed = StoreJson.Deserialize<SessionsChangedData>(e.Data);
                    foreach (var sessionId in changed.SessionIds) await PublishSeatsAsync(e, changed.OfferingId, sessionId, ct);
                    break;
                case EventTypes.ProviderChanged or EventTypes.DistrictChanged or EventTypes.FundingPolicyChanged or EventTypes.RecommendationsSent:
                    await live.PublishAsync(new(e.Type, e.Cursor, e.At, e.Audiences));
                    break;
                case EventTypes.SelectionChanged:
                    // To its audiences (the school, the pupil's guardian) and to the pages showing the window (seats left).
                    var sel = StoreJson.Deserialize<Core.Families.Selection.SelectionChangedData>(e.Data);
                    await live.PublishAsync(new(e.Type, e.Cursor, e.At, [.. e.Audiences, LiveAudiences.SelectionWindow(sel.WindowId)], Status: sel.NewStatus));
                    break;
                case EventTypes.PaymentChanged:
                    var p = StoreJson.Deserialize<Core.Settlement.PaymentChangedData>(e.Data);
                    await live.PublishAsync(new(e.Type, e.Cursor, e.At, e.Audiences, Status: p.State));
                    break;
            }
        }
    }

    private async Task PublishSeatsAsync(OutboxMessage e, Guid offeringId, Guid sessionId, CancellationToken ct)
    {
        if (await store.FindAsync<Session>(sessionId, ct) is not { } s) return;
        await live.PublishAsync(new(e.Type, e.Cursor, e.At, e.Audiences, offeringId, sessionId, Status: s.Status.ToString(),
            FreeSeats: s.FreeSeats, Reserved: s.Reserved, Capacity: s.Capacity));
    }
}
