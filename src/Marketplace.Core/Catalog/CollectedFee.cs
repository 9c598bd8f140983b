namespace Marketplace.Core.Catalog;

/// <summary>代收费: what a school may collect from families at cost, no margin — only the kinds its district's policy allows.</summary>
public enum CollectedFeeKind { Materials, Insurance, Transport, Tickets, Meals }

/// <summary>A 代收费 item an offering lists (materials, tickets …): per pupil per session, at cost, in fen.</summary>
public sealed record CollectedFee(CollectedFeeKind Kind, long AmountFen)
{
    public const long MaxFen = 100_000; // ¥1,000 per pupil per session
}
