using Marketplace.Api.Auth;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.SignalR;

namespace Marketplace.Api.Realtime;

/// <summary>
/// Live status. A signed-in caller joins its own organisation's stream (a bureau also its districts');
/// anyone may watch an offering's seat availability. Server-to-client: bookingChanged, availabilityChanged.
/// </summary>
public sealed class MarketplaceHub(IMarketplaceStore store) : Hub
{
    public const string Route = "/hubs/marketplace";

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.ToCaller() is { } caller)
            foreach (var audience in caller.Audiences)
                await Groups.AddToGroupAsync(Context.ConnectionId, audience);
        await base.OnConnectedAsync();
    }

    public async Task WatchOffering(Guid offeringId)
    {
        // The offering's own provider already hears its seat changes on its organisation stream; joining twice would double them.
        if (Context.User?.ToCaller() is { Role: Role.Provider } caller
            && await store.FindAsync<Core.Catalog.Offering>(offeringId, Context.ConnectionAborted) is { } offering && offering.ProviderId == caller.OrganizationId)
            return;
        await Groups.AddToGroupAsync(Context.ConnectionId, Audience.Offering(offeringId));
    }

    public Task UnwatchOffering(Guid offeringId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, Audience.Offering(offeringId));
}
