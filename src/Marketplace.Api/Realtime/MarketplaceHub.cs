using Marketplace.Api.Auth;
using Marketplace.Api.Configuration;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.SignalR;

namespace Marketplace.Api.Realtime;

/// <summary>
/// Live status. A signed-in caller joins its own organisation's stream (a bureau also its districts'); anyone may watch the
/// seat availability of an offering it may see (<see cref="OfferingQueries.GetAsync"/>: a published one, or its own or its
/// districts' as provider or bureau), a bounded number per connection. Server-to-client: bookingChanged, availabilityChanged.
/// </summary>
public sealed class MarketplaceHub(OfferingQueries offerings, MarketplaceSettings settings) : Hub
{
    public const string Route = "/hubs/marketplace";
    public const string BookingChanged = "bookingChanged";
    public const string AvailabilityChanged = "availabilityChanged";

    private static readonly object WatchedKey = new();

    public override async Task OnConnectedAsync()
    {
        Context.Items[WatchedKey] = new HashSet<Guid>();
        if (Context.User?.ToCaller() is { } caller)
            foreach (var audience in caller.Audiences)
                await Groups.AddToGroupAsync(Context.ConnectionId, audience);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        // SignalR drops the connection from its groups; the count of what it watched goes with it.
        lock (Watched) Watched.Clear();
        return base.OnDisconnectedAsync(exception);
    }

    public async Task WatchOffering(Guid offeringId)
    {
        var caller = Context.User?.ToCaller();
        Guid providerId;
        try
        {
            providerId = (await offerings.GetAsync(caller, offeringId, Context.ConnectionAborted)).Offering.ProviderId;
        }
        catch (NotFoundException)
        {
            throw new HubException("只能关注已发布的课程（或本机构、本辖区的课程）/ only a published offering (or one of your own organisation or districts) can be watched.");
        }
        // The offering's own provider already hears its seat changes on its organisation stream; joining twice would double them.
        if (caller is { Role: Role.Provider } && caller.OrganizationId == providerId) return;

        var limit = settings.WatchedOfferingsPerConnection;
        lock (Watched)
        {
            if (!Watched.Contains(offeringId) && Watched.Count >= limit)
                throw new HubException($"每个连接最多关注 {limit} 个课程，请先取消关注其他课程 / a connection can watch at most {limit} offerings at once; unwatch one first.");
            Watched.Add(offeringId);
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, Audience.Offering(offeringId));
    }

    public async Task UnwatchOffering(Guid offeringId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, Audience.Offering(offeringId));
        lock (Watched) Watched.Remove(offeringId);
    }

    private HashSet<Guid> Watched => (HashSet<Guid>)Context.Items[WatchedKey]!;
}
