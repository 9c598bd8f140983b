using System.Text.Json;
using Marketplace.Api.Realtime;
using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.SignalR;

namespace Marketplace.Api.Outbox;

/// <summary>Pushes outbox events to the SignalR groups they are addressed to. Seat counts are read at delivery, so they are current.</summary>
internal sealed class LivePushConsumer(IHubContext<MarketplaceHub> hub, IMarketplaceStore store) : IOutboxConsumer
{
    public string Name => "live";

    public bool IsLive => true;

    public async Task HandleAsync(IReadOnlyList<OutboxMessage> batch, CancellationToken ct)
    {
        foreach (var e in batch)
        {
            switch (e.Type)
            {
                case EventTypes.BookingChanged:
                    var b = StoreJson.Deserialize<BookingChangedData>(e.Data);
                    await hub.Clients.Groups(e.Audiences).SendAsync(MarketplaceHub.BookingChanged,
                        new BookingChangedMessage(e.Cursor, e.At, b.BookingId, b.SessionId, b.OfferingId, b.SchoolId, b.ProviderId, b.OldStatus, b.NewStatus, b.Pupils, b.SeriesId), ct);
                    break;
                case EventTypes.BookingSeriesChanged:
                    var series = StoreJson.Deserialize<BookingSeriesChangedData>(e.Data);
                    await hub.Clients.Groups(e.Audiences).SendAsync(MarketplaceHub.BookingSeriesChanged,
                        new BookingSeriesChangedMessage(e.Cursor, e.At, series.SeriesId, series.OfferingId, series.SchoolId, series.ProviderId,
                            series.OldStatus, series.NewStatus, series.Sessions, series.Pupils), ct);
                    break;
                case EventTypes.AvailabilityChanged:
                    var a = StoreJson.Deserialize<AvailabilityChangedData>(e.Data);
                    await PushAvailabilityAsync(e, a.OfferingId, a.SessionId, ct);
                    break;
                case EventTypes.OfferingChanged:
                    // Organisations only (the provider, schools holding bookings of it); watchers hear of its seats, bureaus read the feed.
                    var o = StoreJson.Deserialize<OfferingChangedData>(e.Data);
                    if (e.Audiences.Where(Audience.IsOrganization).ToList() is { Count: > 0 } organisations)
                        await hub.Clients.Groups(organisations).SendAsync(MarketplaceHub.OfferingChanged,
                            new OfferingChangedMessage(e.Cursor, e.At, o.OfferingId, o.ProviderId, o.Status, o.Version), ct);
                    break;
                case EventTypes.SessionUnderfilled:
                    var u = StoreJson.Deserialize<SessionUnderfilledData>(e.Data);
                    await hub.Clients.Groups(e.Audiences).SendAsync(MarketplaceHub.SessionUnderfilled,
                        new SessionUnderfilledMessage(e.Cursor, e.At, u.SessionId, u.OfferingId, u.ProviderId, u.StartsAt, u.Pupils, u.MinGroup, u.Decision), ct);
                    break;
                case EventTypes.WaitlistChanged:
                    var w = StoreJson.Deserialize<WaitlistChangedData>(e.Data);
                    await hub.Clients.Groups(e.Audiences).SendAsync(MarketplaceHub.WaitlistChanged,
                        new WaitlistChangedMessage(e.Cursor, e.At, w.EntryId, w.SessionId, w.OfferingId, w.SchoolId, w.OldStatus, w.NewStatus, w.Pupils, w.HeldUntil), ct);
                    break;
                case EventTypes.RollCallChanged:
                    var r = StoreJson.Deserialize<Core.Families.RollCall.RollCallChangedData>(e.Data);
                    await hub.Clients.Groups(e.Audiences).SendAsync(MarketplaceHub.RollCallChanged,
                        new RollCallChangedMessage(e.Cursor, e.At, r.BookingId, r.SchoolId, r.ProviderId, r.Present, r.Absent, r.Version, r.Side), ct);
                    break;
                case EventTypes.SelectionChanged:
                    var sel = StoreJson.Deserialize<SelectionChangedData>(e.Data);
                    await hub.Clients.Groups(e.Audiences).SendAsync(MarketplaceHub.SelectionChanged,
                        new SelectionChangedMessage(e.Cursor, e.At, sel.WindowId, sel.SchoolId, sel.ApplicationId, sel.PupilId, sel.OldStatus, sel.NewStatus, sel.Placed), ct);
                    break;
                case EventTypes.ClassListChanged:
                    var list = StoreJson.Deserialize<ClassListChangedData>(e.Data);
                    await hub.Clients.Groups(e.Audiences).SendAsync(MarketplaceHub.ClassListChanged,
                        new ClassListChangedMessage(e.Cursor, e.At, list.WindowId, list.SchoolId, list.ProviderId, list.BookingIds), ct);
                    break;
                case EventTypes.SessionsChanged:
                    // Sessions scheduled, edited or cancelled without bookings to release: watchers see the seats appear or go.
                    var changed = StoreJson.Deserialize<SessionsChangedData>(e.Data);
                    foreach (var sessionId in changed.SessionIds) await PushAvailabilityAsync(e, changed.OfferingId, sessionId, ct);
                    break;
            }
        }
    }

    /// <summary>The provider's stream gets the full counts; the offering's watchers (anyone) get free seats only.</summary>
    private async Task PushAvailabilityAsync(OutboxMessage e, Guid offeringId, Guid sessionId, CancellationToken ct)
    {
        if (await store.FindAsync<Session>(sessionId, ct) is not { } s) return;
        var watchers = e.Audiences.Where(Audience.IsOffering).ToList();
        var others = e.Audiences.Where(a => !Audience.IsOffering(a)).ToList();
        if (others.Count > 0)
            await hub.Clients.Groups(others).SendAsync(MarketplaceHub.AvailabilityChanged,
                new AvailabilityChangedMessage(e.Cursor, e.At, offeringId, sessionId, s.Capacity, s.Reserved, s.FreeSeats, s.Status.ToString()), ct);
        if (watchers.Count > 0)
            await hub.Clients.Groups(watchers).SendAsync(MarketplaceHub.AvailabilityChanged,
                new SeatsAvailableMessage(e.Cursor, e.At, offeringId, sessionId, s.FreeSeats, s.Status.ToString()), ct);
    }
}
