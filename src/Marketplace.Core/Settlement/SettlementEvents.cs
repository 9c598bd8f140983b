using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

public sealed record FundingPolicyChangedData(string District, string Semester);

public sealed record PaymentChangedData(Guid PaymentId, Guid SchoolId, Guid ProviderId, string State, long AmountFen);

public static class SettlementEvents
{
    /// <summary>Addressed to the district's bureaus (and, through the district stream, its city bureau).</summary>
    public static OutboxMessage PolicyChanged(string district, string semester, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.FundingPolicyChanged, at, [Audience.District(district)], new FundingPolicyChangedData(district, semester));

    /// <summary>Addressed to the paying school, the paid provider and the district's bureaus.</summary>
    public static OutboxMessage PaymentChanged(Payment p, DateTimeOffset at) =>
        OutboxMessage.Create(EventTypes.PaymentChanged, at,
            [Audience.Organization(p.SchoolId), Audience.Organization(p.ProviderId), Audience.District(p.DistrictCode)],
            new PaymentChangedData(p.Id, p.SchoolId, p.ProviderId, p.State.ToString(), p.AmountFen));
}
