using Marketplace.Api.Auth;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.SignalR;

namespace Marketplace.Api.Realtime;

/// <summary>
/// Live status. A signed-in caller joins its own organisation's stream (a bureau also its districts');
/// anyone may watch an offering's seat availability. Server-to-client: bookingChanged, availabilityChanged.
/// </summary>
public sealed class MarketplaceHub : Hub
{
    public const string Route = "/hubs/marketplace";

    public override async Task OnConnectedAsync()
    {
        if (Context.User?.ToCaller() is { } caller)
            foreach (var audience in caller.Audiences)
                await Groups.AddToGroupAsync(Context.ConnectionId, audience);
        await base.OnConnectedAsync();
    }

    public Task WatchOffering(Guid offeringId) => Groups.AddToGroupAsync(Context.ConnectionId, Audience.Offering(offeringId));

    public Task UnwatchOffering(Guid offeringId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, Audience.Offering(offeringId));
}
