using Marketplace.Api.Auth;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.SignalR;

namespace Marketplace.Api.Realtime;

/// <summary>
/// Live status. A signed-in caller joins its own organisation's stream (a bureau also its districts');
/// anyone may watch an offering's seat availability. Server-to-client: bookingChanged, availabilityChanged.
/// </summary>
public sealed class MarketplaceHub(OfferingQueries offerings) : Hub
{
    public const string Route = "/hubs/marketplace";
    public const string BookingChanged = "bookingChanged";
    public const string AvailabilityChanged = "availabilityChanged";

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
        if (Context.User?.ToCaller() is { Role: Role.Provider } caller && await OwnsAsync(caller, offeringId)) return;
        await Groups.AddToGroupAsync(Context.ConnectionId, Audience.Offering(offeringId));
    }

    public Task UnwatchOffering(Guid offeringId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, Audience.Offering(offeringId));

    private async Task<bool> OwnsAsync(Caller provider, Guid offeringId)
    {
        try
        {
            var (offering, _) = await offerings.GetAsync(provider, offeringId, Context.ConnectionAborted);
            return offering.ProviderId == provider.OrganizationId;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }
}
