namespace Marketplace.Core.Settlement;

/// <summary>The parties of one booking, as the ledger names them.</summary>
public sealed record BookingParties(Guid BookingId, Guid SchoolId, Guid ProviderId, string District, int Pupils);

/// <summary>
/// The ledger transactions of a booking's money flow (DOMAIN.md "Money — the product's model"), each balanced and keyed by its
/// business event so that posting it twice is refused by the store:
/// <list type="bullet">
/// <item>commitment (<c>commitment:{booking}</c>), when the provider confirms: the bureau owes the subsidy, the families their fees
/// and 代收费, the fund bears what it waives — all held in the school's clearing account;</item>
/// <item>settlement (<c>settlement:{booking}</c>), when the delivery is confirmed or decided: clearing pays the provider for the
/// pupils who attended (attended × price, never more), the 代收费 they used goes to the supplier at cost, and every credited absence
/// goes back where it came from — subsidy to the bureau, the family's share and unused 代收费 to the family (多退少补), a waived
/// share to the fund; absences the policy does not credit stay with the fund;</item>
/// <item>cancellation (<c>cancellation:{booking}</c>), when a confirmed booking is cancelled: the commitment reversed.</item>
/// </list>
/// </summary>
public static class LedgerPostings
{
    public static LedgerTransaction Commitment(BookingParties b, Quote quote, DateTimeOffset at)
    {
        var q = quote.Normalized();
        return LedgerTransaction.Post($"commitment:{b.BookingId:N}", LedgerKind.Commitment, at, b.District,
        [
            new(Accounts.BureauSubsidy(b.District), q.SubsidyFen),
            new(Accounts.FamilyReceivable(b.SchoolId), q.FamilyFeeFen + q.CollectedFeesFen),
            new(Accounts.SchoolFund(b.SchoolId), q.WaivedFen),
            new(Accounts.Clearing(b.SchoolId), -q.TotalFen),
        ], "booking confirmed", b.SchoolId, b.ProviderId, b.BookingId);
    }

    public static LedgerTransaction Cancellation(BookingParties b, Quote quote, DateTimeOffset at)
    {
        var commitment = Commitment(b, quote, at);
        return LedgerTransaction.Post($"cancellation:{b.BookingId:N}", LedgerKind.Cancellation, at, b.District,
            commitment.Entries.Select(e => e with { AmountFen = -e.AmountFen }), "confirmed booking cancelled", b.SchoolId, b.ProviderId, b.BookingId,
            reverses: commitment.Id);
    }

    /// <summary>
    /// Settles a delivered booking: <paramref name="attended"/> of its pupils came, <paramref name="absentHardship"/> of the absent
    /// ones were 家庭经济困难. The quote's <see cref="Quote.UncreditedAbsences"/> absences are not credited (hardship ones first: they
    /// have no family share to credit).
    /// </summary>
    public static LedgerTransaction Settlement(BookingParties b, Quote quote, int attended, int absentHardship, DateTimeOffset at)
    {
        var q = quote.Normalized();
        ArgumentOutOfRangeException.ThrowIfNegative(attended);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(attended, b.Pupils);
        var absent = b.Pupils - attended;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(absentHardship, Math.Min(absent, q.Hardship));
        // Absences beyond the paying pupils booked are hardship ones: else more families are credited than were charged.
        ArgumentOutOfRangeException.ThrowIfLessThan(absentHardship, Math.Max(0, q.Hardship - attended));

        var collectedPerPupil = q.CollectedItems.Sum(i => i.AmountFen);
        // 代收费 a hardship pupil's family pays (the items the policy does not waive for them): what waived did not cover.
        var hardshipCollectedWaived = q.Hardship == 0 ? 0 : (q.WaivedFen - q.Hardship * q.FamilySharePerPupilFen) / q.Hardship;
        var hardshipCollectedPaid = collectedPerPupil - hardshipCollectedWaived;

        var uncredited = Math.Min(absent, q.UncreditedAbsences);
        var uncreditedHardship = Math.Min(uncredited, absentHardship);
        var creditedHardship = absentHardship - uncreditedHardship;
        var creditedPaying = absent - absentHardship - (uncredited - uncreditedHardship);

        var perPupil = q.UnitPriceFen + collectedPerPupil;
        return LedgerTransaction.Post($"settlement:{b.BookingId:N}", LedgerKind.Settlement, at, b.District,
        [
            new(Accounts.Clearing(b.SchoolId), q.TotalFen),
            new(Accounts.ProviderPayable(b.ProviderId, b.SchoolId), -(attended * q.UnitPriceFen)),
            new(Accounts.CollectedPayable(b.SchoolId), -(attended * collectedPerPupil)),
            new(Accounts.BureauSubsidy(b.District), -((creditedPaying + creditedHardship) * q.SubsidyPerPupilFen)),
            new(Accounts.FamilyReceivable(b.SchoolId), -(creditedPaying * (q.FamilySharePerPupilFen + collectedPerPupil) + creditedHardship * hardshipCollectedPaid)),
            new(Accounts.SchoolFund(b.SchoolId), -(creditedHardship * (q.FamilySharePerPupilFen + hardshipCollectedWaived) + uncredited * perPupil)),
        ], $"delivered: {attended} of {b.Pupils} attended", b.SchoolId, b.ProviderId, b.BookingId);
    }
}
