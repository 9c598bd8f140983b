using Marketplace.Core.Families.Allocation;
using static Marketplace.Core.Tests.Families.Allocation.AllocationGen;

namespace Marketplace.Core.Tests.Families.Allocation;

/// <summary>
/// Weights respected, statistically, over fixed seeds (<c>weights-0</c> …), so the test is deterministic and cannot flake. With
/// Efraimidis–Spirakis keys a pupil of weight w comes first among pupils of total weight W with probability exactly w / W. Each
/// test draws N independent lotteries (one seat, everyone's first choice) and accepts the observed share within 4 standard
/// deviations of the binomial, sqrt(p(1−p)/N): a correct engine falls outside with probability ≈ 6e-5, while the mistakes
/// it must catch (weights ignored, or applied the wrong way) move the share by 10–20 standard deviations.
/// </summary>
public class LotteryWeightTests
{
    private static readonly Guid Robots = Guid.Parse("0192f0a0-0000-7000-8000-0000000000a1");

    private static double ShareOfWins(int lotteries, int applicants, Func<int, string[]> flagsOf, int winner, Dictionary<string, int> weights)
    {
        var robots = new ProgrammeSeats(Robots, 1, [new TimeSlot(Monday, Monday.AddHours(1))]);
        var list = Enumerable.Range(0, applicants).Select(n => new Applicant(Guid.Parse($"0192f0a0-0000-7000-8000-{n:D12}"), 4, [Robots], Monday, flagsOf(n))).ToList();
        var wins = 0;
        for (var s = 0; s < lotteries; s++)
        {
            var result = AllocationEngine.Allocate(new AllocationRequest([robots], list, 1, AllocationMode.Lottery, $"weights-{s}", weights));
            if (Assert.Single(result.Placements).PupilId == list[winner].PupilId) wins++;
        }
        return wins / (double)lotteries;
    }

    private static void AssertNear(double expected, double observed, int n)
    {
        var tolerance = 4 * Math.Sqrt(expected * (1 - expected) / n);
        Assert.True(Math.Abs(observed - expected) <= tolerance, $"observed {observed:F4}, expected {expected:F4} ± {tolerance:F4}");
    }

    [Fact]
    public void Weight_two_beats_weight_one_two_times_in_three()
    {
        // p = 2/3, N = 4,000: σ = 0.0075, tolerance ±0.030. Weights ignored would give 0.5 (22 σ away).
        var share = ShareOfWins(4_000, 2, n => n == 0 ? ["hardship"] : [], 0, new() { ["hardship"] = 2 });
        AssertNear(2.0 / 3, share, 4_000);
    }

    [Fact]
    public void A_hardship_pupil_of_weight_three_among_nine_others_wins_a_quarter_of_the_time()
    {
        // p = 3 / (3 + 9) = 0.25, N = 4,000: σ = 0.0068, tolerance ±0.027. Unweighted would be 0.10 (22 σ away).
        var share = ShareOfWins(4_000, 10, n => n == 0 ? ["hardship"] : [], 0, new() { ["hardship"] = 3 });
        AssertNear(0.25, share, 4_000);
    }

    [Fact]
    public void Flags_multiply_and_an_unweighted_pupil_still_has_its_share()
    {
        // Pupil 0: hardship (2) × no-activity (3) = 6; pupils 1–4 weight 1 each. Pupil 1 wins with p = 1/10; pupil 0 with 6/10.
        var weights = new Dictionary<string, int> { ["hardship"] = 2, ["no-activity"] = 3 };
        string[] Flags(int n) => n == 0 ? ["hardship", "no-activity"] : [];
        AssertNear(0.6, ShareOfWins(3_000, 5, Flags, 0, weights), 3_000);
        AssertNear(0.1, ShareOfWins(3_000, 5, Flags, 1, weights), 3_000);
    }

    [Fact]
    public void Without_weights_every_pupil_is_equally_likely_to_win()
    {
        // Ten pupils, 5,000 lotteries: each should win 500 times; chi-square with 9 degrees of freedom below 27.9 (p = 0.001).
        var robots = new ProgrammeSeats(Robots, 1, [new TimeSlot(Monday, Monday.AddHours(1))]);
        var list = Enumerable.Range(0, 10).Select(n => new Applicant(Guid.Parse($"0192f0a0-0000-7000-8000-{n:D12}"), 4, [Robots], Monday)).ToList();
        var wins = list.ToDictionary(a => a.PupilId, _ => 0);
        for (var s = 0; s < 5_000; s++)
            wins[AllocationEngine.Allocate(new AllocationRequest([robots], list, 1, AllocationMode.Lottery, $"uniform-{s}")).Placements[0].PupilId]++;
        var chiSquare = wins.Values.Sum(w => (w - 500.0) * (w - 500.0) / 500);
        Assert.True(chiSquare < 27.9, $"chi-square {chiSquare:F1}: {string.Join(", ", wins.Values)}");
    }
}
