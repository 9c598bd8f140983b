using Marketplace.Core.Shared;

namespace Marketplace.Core.Settlement;

/// <summary>The step a district refunds a family's term fee in (DOMAIN.md, "Families").</summary>
public enum RefundUnit
{
    /// <summary>Every service day not used is refunded (武汉).</summary>
    PerDay,
    /// <summary>A half month (1st–15th, 16th–end) is refunded when none of its service days was used (海口).</summary>
    PerHalfMonth,
    /// <summary>A calendar month is refunded when none of its service days was used (海口).</summary>
    PerMonth,
    /// <summary>On withdrawal within <see cref="RefundRule.WithinMonths"/> of the term's start, <see cref="RefundRule.Percent"/> of the unused days; none after (南京 50% within 3 months).</summary>
    PercentWithin,
}

/// <summary>
/// A district's refund rule for the family service fee, as a <c>FundingPolicy</c> can hold it: the unit, and for
/// <see cref="RefundUnit.PercentWithin"/> the percentage and the window in months from the term's first day.
/// </summary>
public sealed record RefundRule(RefundUnit Unit, int Percent = 100, int WithinMonths = 0)
{
    public const int MaxWithinMonths = 12;

    public static RefundRule PerDay { get; } = new(RefundUnit.PerDay);
    public static RefundRule PerHalfMonth { get; } = new(RefundUnit.PerHalfMonth);
    public static RefundRule PerMonth { get; } = new(RefundUnit.PerMonth);

    public static RefundRule PercentWithin(int percent, int months) => new(RefundUnit.PercentWithin, percent, months);

    /// <summary>Adds this rule's field errors under <paramref name="field"/> (e.g. <c>refundRule</c>).</summary>
    public Validator Validate(Validator v, string field)
    {
        if (!Enum.IsDefined(Unit)) return v.Add($"{field}.unit", new UserMessage("validation.one-of", string.Join(", ", Enum.GetNames<RefundUnit>())));
        if (Unit != RefundUnit.PercentWithin) return v;
        return v.Range(Percent, 1, 100, $"{field}.percent").Range(WithinMonths, 1, MaxWithinMonths, $"{field}.withinMonths");
    }
}
