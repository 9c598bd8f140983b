using Marketplace.Core.Catalog;
namespace Marketplace.Core.Settlement;

/// <summary>
/// The price fixed when the school booked; later price or policy edits never change it. <see cref="TotalFen"/> = lesson fee
/// (unit price × pupils) + 代收费 = <see cref="SubsidyFen"/> + <see cref="FamilyFeeFen"/> + <see cref="WaivedFen"/> +
/// <see cref="CollectedFeesFen"/> (QuoteCalculator). Bookings made before the settlement split (issue 15) load
/// with <see cref="LessonHalves"/> null: their whole total is the family's, as if the district had no policy.
/// </summary>
public sealed record Quote(long UnitPriceFen, long TotalFen)
{
    /// <summary>课时 of the session, in halves (3 = 1.5 课时).</summary>
    public int? LessonHalves { get; init; }

    /// <summary>家庭经济困难 pupils among the booked ones: their family share is waived (paid by the school fund).</summary>
    public int Hardship { get; init; }

    /// <summary>Unit price × pupils: the lessons alone, without 代收费.</summary>
    public long LessonFeeFen { get; init; }

    public long SubsidyPerPupilFen { get; init; }
    public long FamilySharePerPupilFen { get; init; }
    public long SubsidyFen { get; init; }
    public long FamilyFeeFen { get; init; }
    public long WaivedFen { get; init; }
    public long CollectedFeesFen { get; init; }
    public IReadOnlyList<QuoteLine> CollectedItems { get; init; } = [];

    /// <summary>Absent pupils per session not credited back, and days the school has to answer a recorded delivery — the policy's, fixed with the quote.</summary>
    public int UncreditedAbsences { get; init; }
    public int DisputeDays { get; init; } = 7;

    /// <summary>The policy revision it was computed from; null: the district had no policy.</summary>
    public PolicyRef? Policy { get; init; }

    /// <summary>A quote stored before the split: all of it the families' (nothing subsidised, nothing collected).</summary>
    public Quote Normalized() => LessonHalves is not null ? this : this with
    {
        FamilySharePerPupilFen = UnitPriceFen, FamilyFeeFen = TotalFen, LessonFeeFen = TotalFen,
    };
}
