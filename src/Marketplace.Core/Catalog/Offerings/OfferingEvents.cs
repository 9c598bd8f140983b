using Marketplace.Core.Events;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Offerings;

public static class OfferingEvents
{
    public static OutboxMessage Changed(Offering o, Provider provider, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.OfferingChanged, at,
            [Audience.Organization(o.ProviderId), Audience.Offering(o.Id), .. provider.Districts.Select(Audience.District)],
            new OfferingChangedData(o.Id, o.ProviderId, o.Status.ToString(), o.Version));

    public static OutboxMessage SessionsChanged(Offering o, IEnumerable<Guid> sessionIds, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.SessionsChanged, at,
            [Audience.Organization(o.ProviderId), Audience.Offering(o.Id)], new SessionsChangedData(o.Id, sessionIds.ToArray()));
}
