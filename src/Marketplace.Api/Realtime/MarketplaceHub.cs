using System.Globalization;
using Marketplace.Api.Auth;
using Marketplace.Api.Configuration;
using Marketplace.Api.Localization;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.SignalR;

namespace Marketplace.Api.Realtime;

/// <summary>
/// Live status. A signed-in caller joins its own organisation's stream (a bureau also its districts'); anyone may watch the
/// seat availability of an offering it may see (<see cref="OfferingQueries.GetAsync"/>: a published one — for a school, one
/// whose provider is approved in its district and not blocked there —, or its own or its districts' as provider or bureau),
/// a bounded number per connection. Server-to-client: bookingChanged, bookingSeriesChanged, availabilityChanged, offeringChanged, sessionUnderfilled,
/// waitlistChanged, rollCallChanged, selectionChanged, classListChanged.
/// </summary>
public sealed class MarketplaceHub(OfferingQueries offerings, MarketplaceSettings settings, MessageRenderer messages) : Hub
{
    public const string Route = "/hubs/marketplace";
    public const string OfferingChanged = "offeringChanged";
    public const string SessionUnderfilled = "sessionUnderfilled";
    public const string BookingChanged = "bookingChanged";
    public const string BookingSeriesChanged = "bookingSeriesChanged";
    public const string AvailabilityChanged = "availabilityChanged";
    public const string WaitlistChanged = "waitlistChanged";
    public const string RollCallChanged = "rollCallChanged";
    public const string SelectionChanged = "selectionChanged";
    public const string ClassListChanged = "classListChanged";

    private static readonly object WatchedKey = new();

    /// <summary>In the language of the connection's request (its Accept-Language, or ?culture= for a browser's WebSocket).</summary>
    private string Render(UserMessage message)
    {
        var culture = Context.GetHttpContext()?.Features.Get<IRequestCultureFeature>()?.RequestCulture;
        if (culture is null) return messages.Render(message);
        var (ui, formats) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        try
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (culture.UICulture, culture.Culture);
            return messages.Render(message);
        }
        finally
        {
            (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, formats);
        }
    }

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
            throw new HubException(Render(new("hub.watch-not-visible")));
        }
        // The offering's own provider already hears its seat changes on its organisation stream; joining twice would double them.
        if (caller is { Role: Role.Provider } && caller.OrganizationId == providerId) return;

        var limit = settings.WatchedOfferingsPerConnection;
        lock (Watched)
        {
            if (!Watched.Contains(offeringId) && Watched.Count >= limit)
                throw new HubException(Render(new("hub.watch-limit", limit)));
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
