using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Shared;
using static Marketplace.Core.Tests.Families.Allocation.AllocationGen;

namespace Marketplace.Core.Tests.Families.Allocation;

/// <summary>Hand-worked allocations (times are Beijing: <see cref="AllocationGen.Monday"/> is Monday 2026-09-07 15:30).</summary>
public class AllocationExampleTests
{
    private static readonly Guid Robots = Guid.Parse("0192f0a0-0000-7000-8000-0000000000a1"), Choir = Guid.Parse("0192f0a0-0000-7000-8000-0000000000a2"),
        Football = Guid.Parse("0192f0a0-0000-7000-8000-0000000000a3"), Chess = Guid.Parse("0192f0a0-0000-7000-8000-0000000000a4");

    private static Guid Pupil(int n) => Guid.Parse($"0192f0a0-0000-7000-8000-{n:D12}");

    private static TimeSlot At(int day, int fromMinute, int toMinute) => new(Monday.AddDays(day).AddMinutes(fromMinute), Monday.AddDays(day).AddMinutes(toMinute));

    [Fact]
    public void First_come_fills_in_submission_order_and_the_last_waits()
    {
        var robots = new ProgrammeSeats(Robots, 2, [At(1, 10, 100)]);
        Applicant A(int n, int minute) => new(Pupil(n), 4, [Robots], Monday.AddDays(-7).AddMinutes(minute));
        var result = AllocationEngine.Allocate(new AllocationRequest([robots], [A(1, 30), A(2, 10), A(3, 20)], 1, AllocationMode.FirstCome));

        Assert.Equal([Pupil(2), Pupil(3)], result.Placements.Select(p => p.PupilId));
        Assert.Equal([new WaitingEntry(1, Pupil(1), 1, WaitReason.Full)], result.WaitingLists[Robots]);
        Assert.Equal([Pupil(2), Pupil(3), Pupil(1)], result.Audit.Draw.Select(d => d.PupilId));
        Assert.Null(result.Audit.Seed);
    }

    [Fact]
    public void A_clashing_alternate_is_skipped_and_the_cap_stops_the_rest()
    {
        // Tuesday 15:40–17:10 robots, Tuesday 16:30–17:30 choir (clashes with robots), Wednesday football, Thursday chess.
        ProgrammeSeats[] programmes =
        [
            new(Robots, 5, [At(1, 10, 100)]), new(Choir, 5, [At(1, 60, 120)]), new(Football, 5, [At(2, 0, 90)]), new(Chess, 5, [At(3, 0, 60)]),
        ];
        var pupil = new Applicant(Pupil(1), 4, [Robots, Choir, Football, Chess], Monday.AddDays(-7));
        var result = AllocationEngine.Allocate(new AllocationRequest(programmes, [pupil], 2, AllocationMode.FirstCome));

        Assert.Equal([new Placement(Pupil(1), Robots, 1, 1), new Placement(Pupil(1), Football, 2, 3)], result.Placements);
        Assert.Equal([new WaitingEntry(1, Pupil(1), 2, WaitReason.CapReached)], result.WaitingLists[Choir]); // at the cap: that reason first
        Assert.Equal([new WaitingEntry(1, Pupil(1), 4, WaitReason.CapReached)], result.WaitingLists[Chess]);

        // Below the cap (4) the choir still clashes with robots: Overlap; chess comes third.
        var three = AllocationEngine.Allocate(new AllocationRequest(programmes, [pupil], 4, AllocationMode.FirstCome));
        Assert.Equal([Robots, Football, Chess], three.Placements.Select(p => p.ProgrammeId));
        Assert.Equal([new WaitingEntry(1, Pupil(1), 2, WaitReason.Overlap)], three.WaitingLists[Choir]);
    }

    [Fact]
    public void A_commitment_elsewhere_and_the_grade_filter_keep_a_pupil_out()
    {
        // Robots is for grades 3–4; football on Wednesday clashes with the pupil's Wednesday 16:00–17:00 elsewhere.
        ProgrammeSeats[] programmes = [new(Robots, 5, [At(1, 10, 100)], [3, 4]), new(Football, 5, [At(2, 0, 90)]), new(Chess, 5, [At(3, 0, 60)])];
        var pupil = new Applicant(Pupil(1), 5, [Robots, Football, Chess], Monday.AddDays(-7), Commitments: [At(2, 30, 90)]);
        var result = AllocationEngine.Allocate(new AllocationRequest(programmes, [pupil], 2, AllocationMode.FirstCome));

        Assert.Equal([new Placement(Pupil(1), Chess, 1, 3)], result.Placements);
        Assert.Empty(result.WaitingLists[Robots]); // not admitted: never waiting
        Assert.Equal([new WaitingEntry(1, Pupil(1), 2, WaitReason.Overlap)], result.WaitingLists[Football]);
    }

    [Fact]
    public void Sessions_that_only_touch_do_not_clash()
    {
        ProgrammeSeats[] programmes = [new(Robots, 1, [At(1, 0, 60)]), new(Choir, 1, [At(1, 60, 120)])];
        var pupil = new Applicant(Pupil(1), 4, [Robots, Choir], Monday.AddDays(-7));
        Assert.Equal(2, AllocationEngine.Allocate(new AllocationRequest(programmes, [pupil], 2, AllocationMode.FirstCome)).Placements.Count);
    }

    [Fact]
    public void The_lottery_serves_everyones_first_programme_before_anyones_second_and_first_come_does_not()
    {
        // Cap 2. Pupil 1 (ahead) ranks robots then chess; pupil 2 ranks chess only; chess has one seat.
        ProgrammeSeats[] programmes = [new(Robots, 5, [At(1, 0, 60)]), new(Chess, 1, [At(3, 0, 60)])];
        Applicant[] applicants =
        [
            new(Pupil(1), 4, [Robots, Chess], Monday.AddDays(-7), ["ahead"]), new(Pupil(2), 4, [Chess], Monday.AddDays(-7).AddMinutes(1)),
        ];
        // Lottery (pupil 1 drawn first by a priority flag): round 1 gives pupil 1 robots and pupil 2 chess; in round 2 chess is full.
        var lottery = AllocationEngine.Allocate(new AllocationRequest(programmes, applicants, 2, AllocationMode.Lottery, "s", PriorityFlags: ["ahead"]));
        Assert.Equal([new Placement(Pupil(1), Robots, 1, 1), new Placement(Pupil(2), Chess, 1, 1)], lottery.Placements);
        Assert.Equal([new WaitingEntry(1, Pupil(1), 2, WaitReason.Full)], lottery.WaitingLists[Chess]);

        // First come, as the live path commits each submission on arrival: pupil 1 takes both, pupil 2 waits.
        var firstCome = AllocationEngine.Allocate(new AllocationRequest(programmes, applicants, 2, AllocationMode.FirstCome));
        Assert.Equal([new Placement(Pupil(1), Robots, 1, 1), new Placement(Pupil(1), Chess, 2, 2)], firstCome.Placements);
        Assert.Equal([new WaitingEntry(1, Pupil(2), 1, WaitReason.Full)], firstCome.WaitingLists[Chess]);
    }

    [Fact]
    public void Lottery_order_is_what_anyone_computes_from_the_published_seed()
    {
        // Worked out independently with Python's hashlib (docs/families.md shows the snippet): SHA-256 of "seed:pupil-id",
        // first 16 hex digits >> 11, u = (U+1)/2^53, key = u^(1/w). Pupil 2 has weight 3 (hardship) but drew u = 0.00505.
        const string seed = "2026-2027-1 school1 第一轮";
        var robots = new ProgrammeSeats(Robots, 2, [At(1, 10, 100)]);
        var applicants = Enumerable.Range(1, 4).Select(n => new Applicant(Pupil(n), 4, [Robots], Monday.AddDays(-7), n == 2 ? ["hardship"] : [])).ToList();
        var request = new AllocationRequest([robots], applicants, 1, AllocationMode.Lottery, seed, new Dictionary<string, int> { ["hardship"] = 3 });
        var result = AllocationEngine.Allocate(request);

        Assert.Equal([Pupil(3), Pupil(4), Pupil(1), Pupil(2)], result.Audit.Draw.Select(d => d.PupilId));
        var first = result.Audit.Draw[0];
        Assert.Equal("e6c06ee32c0f218e928584a6a0f20340132db95d69cdaac423b3f54227e116b6", first.Digest);
        Assert.Equal(0.901373796903553, first.Uniform!.Value, 12);
        var hardship = result.Audit.Draw[3];
        Assert.Equal(3, hardship.Weight);
        Assert.Equal(0.005047868080897744, hardship.Uniform!.Value, 12);
        Assert.Equal(0.17154155091334247, hardship.Key!.Value, 12);
        Assert.Equal("2b07b4729d5367491321487c15ffe2eb6a794738ddad1551b92ceb0dbb524eeb", result.Audit.SeedCommitment);
        Assert.Equal([Pupil(3), Pupil(4)], result.Placements.Select(p => p.PupilId));
        Assert.Equal([Pupil(1), Pupil(2)], result.WaitingLists[Robots].Select(w => w.PupilId));
        Assert.Equal(AllocationEngine.AlgorithmVersion, result.Audit.AlgorithmVersion);
    }

    [Fact]
    public void Priority_flags_draw_first_whatever_the_keys()
    {
        // The example above with 家庭经济困难 first: pupil 2 (hardship, the lowest key) takes the first seat; pupil 3 the second.
        var robots = new ProgrammeSeats(Robots, 2, [At(1, 10, 100)]);
        var applicants = Enumerable.Range(1, 4).Select(n => new Applicant(Pupil(n), 4, [Robots], Monday.AddDays(-7), n == 2 ? ["hardship"] : [])).ToList();
        var request = new AllocationRequest([robots], applicants, 1, AllocationMode.Lottery, "2026-2027-1 school1 第一轮",
            new Dictionary<string, int> { ["hardship"] = 3 }, ["hardship"]);
        var result = AllocationEngine.Allocate(request);
        Assert.Equal([(Pupil(2), 0), (Pupil(3), 1), (Pupil(4), 1), (Pupil(1), 1)], result.Audit.Draw.Select(d => (d.PupilId, d.Tier)));
        Assert.Equal([Pupil(2), Pupil(3)], result.Placements.Select(p => p.PupilId));
        // Priority is part of the input: the same draw without it does not verify.
        Assert.False(AllocationEngine.Verify(request with { PriorityFlags = null }, result).Matches);
        // First come ignores it: the live path takes requests as they come.
        Assert.All(AllocationEngine.Allocate(request with { Mode = AllocationMode.FirstCome }).Audit.Draw, d => Assert.Equal(0, d.Tier));
    }

    [Fact]
    public void Equal_keys_are_decided_exactly_then_by_pupil_id()
    {
        // u = 1/2 at weight 1 and u = 1/4 at weight 2 give the same key (1/4)^(1/2) = 1/2: exactly equal, so the pupil id decides.
        var a = new LotteryDraw.Ticket(Pupil(2), 1, (1UL << 52) - 1, "");
        var b = new LotteryDraw.Ticket(Pupil(1), 2, (1UL << 51) - 1, "");
        Assert.Equal(0, LotteryDraw.CompareKeys(a, b));
        Assert.True(LotteryDraw.Compare(b, a) < 0);
        // One unit more for the weight-1 ticket: its key is larger by ~1e-16 relative — below what doubles can tell after ln, decided exactly.
        var c = a with { Bits53 = 1UL << 52 };
        var d = b with { Bits53 = 1UL << 51 };
        Assert.True(LotteryDraw.CompareKeys(c, d) > 0);
        Assert.True(LotteryDraw.Compare(c, d) < 0);
    }

    [Fact]
    public void Guid_order_is_the_ordinal_order_of_its_text()
    {
        var random = new Random(18);
        for (var i = 0; i < 2_000; i++)
        {
            var (x, y) = (new Guid(random.GetItems<byte>(Enumerable.Range(0, 256).Select(b => (byte)b).ToArray(), 16)), Guid.NewGuid());
            Assert.Equal(Math.Sign(string.CompareOrdinal(x.ToString("D"), y.ToString("D"))), Math.Sign(x.CompareTo(y)));
        }
    }

    [Fact]
    public void Bad_input_is_refused_naming_every_field()
    {
        var robots = new ProgrammeSeats(Robots, -1, [new TimeSlot(Monday, Monday)]);
        Applicant[] applicants =
        [
            new(Pupil(1), 4, [Robots, Robots], Monday), new(Pupil(1), 10, [Chess], Monday), new(Pupil(3), 4, [], Monday),
        ];
        var e = Assert.Throws<ValidationFailedException>(() => AllocationEngine.Allocate(
            new AllocationRequest([robots], applicants, 0, AllocationMode.Lottery, " ", new Dictionary<string, int> { ["hardship"] = 101 })));
        Assert.Equal(
            ["applicants[0].choices[1]", "applicants[1].choices[0]", "applicants[1].grade", "applicants[1].pupilId", "applicants[2].choices",
             "capPerPupil", "programmes[0].seats", "programmes[0].sessions[0]", "seed", "weights.hardship"],
            e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("allocation.duplicate-choice", e.Errors["applicants[0].choices[1]"][0].Key);
        Assert.Equal("allocation.unknown-programme", e.Errors["applicants[1].choices[0]"][0].Key);
        Assert.Equal("allocation.duplicate-pupil", e.Errors["applicants[1].pupilId"][0].Key);
        Assert.Equal("allocation.session-order", e.Errors["programmes[0].sessions[0]"][0].Key);
    }

    [Fact]
    public void Nobody_applying_or_no_seats_gives_empty_lists()
    {
        var robots = new ProgrammeSeats(Robots, 0, [At(1, 0, 60)]);
        var none = AllocationEngine.Allocate(new AllocationRequest([robots], [], 2, AllocationMode.Lottery, "s"));
        Assert.Empty(none.Placements);
        Assert.Empty(none.WaitingLists[Robots]);
        var full = AllocationEngine.Allocate(new AllocationRequest([robots], [new Applicant(Pupil(1), 4, [Robots], Monday)], 2, AllocationMode.Lottery, "s"));
        Assert.Empty(full.Placements);
        Assert.Equal(WaitReason.Full, Assert.Single(full.WaitingLists[Robots]).Reason);
    }
}
