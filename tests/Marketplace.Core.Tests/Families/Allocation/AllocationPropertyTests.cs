using CsCheck;
using Marketplace.Core.Families.Allocation;
using static Marketplace.Core.Tests.Families.Allocation.AllocationGen;

namespace Marketplace.Core.Tests.Families.Allocation;

/// <summary>
/// Issue 18, Verify: allocation properties over random selection windows (CsCheck, as the ledger's property tests). Each case is
/// checked against <see cref="AllocationInvariants"/>: no programme over capacity, no pupil in two overlapping sessions, the cap,
/// the grade filter, the order (lottery keys recomputed from SHA-256 here, first come by time), waiting lists in draw order and
/// disjoint from the programme's placements, and every waiting pupil's reason true.
/// </summary>
public class AllocationPropertyTests
{
    [Fact]
    public void Every_allocation_keeps_seats_times_cap_grades_order_and_waiting_lists() =>
        Requests.Sample(request => AllocationInvariants.Check(request, AllocationEngine.Allocate(request)), iter: 400, print: Describe);

    [Fact]
    public void The_same_input_gives_the_same_result_and_verifies() =>
        Requests.Sample(request =>
        {
            var first = AllocationEngine.Allocate(request);
            var again = AllocationEngine.Allocate(request);
            Assert.Equal(first.Placements, again.Placements);
            Assert.Equal(first.Audit.Draw, again.Audit.Draw);
            foreach (var (programme, list) in first.WaitingLists) Assert.Equal(list, again.WaitingLists[programme]);
            Assert.True(AllocationEngine.Verify(request, first).Matches);
        }, iter: 200, print: Describe);

    [Fact]
    public void Listing_programmes_and_applicants_in_another_order_changes_nothing() =>
        Gen.Select(Requests, Gen.Int, (request, shuffleSeed) => (request, shuffleSeed)).Sample((request, shuffleSeed) =>
        {
            var random = new Random(shuffleSeed);
            var shuffled = request with
            {
                Programmes = [.. request.Programmes.OrderBy(_ => random.Next())],
                Applicants = [.. request.Applicants.OrderBy(_ => random.Next())],
            };
            var (a, b) = (AllocationEngine.Allocate(request), AllocationEngine.Allocate(shuffled));
            Assert.Equal(a.Audit.InputDigest, b.Audit.InputDigest);
            Assert.Equal(a.Audit.Draw, b.Audit.Draw);
            Assert.Equal(a.Placements, b.Placements);
            foreach (var (programme, list) in a.WaitingLists) Assert.Equal(list, b.WaitingLists[programme]);
            Assert.True(AllocationEngine.Verify(shuffled, a).Matches);
        }, iter: 200);

    [Fact]
    public void A_published_result_that_was_altered_does_not_verify() =>
        Requests.Where(r => r.Applicants.Count >= 2).Sample(request =>
        {
            var lottery = Lottery(request, "published-seed");
            var published = AllocationEngine.Allocate(lottery);
            // Drawn again with another seed and passed off as the published one: the seed and every digest give it away.
            var other = AllocationEngine.Allocate(lottery with { Seed = "another-seed" });
            var check = AllocationEngine.Verify(lottery, other);
            Assert.False(check.InputMatches);
            Assert.False(check.DrawMatches);
            // A placement swapped for someone else's after the draw: the outcome no longer matches.
            if (published.Placements.Count > 0)
            {
                var outsider = lottery.Applicants.First(a => a.PupilId != published.Placements[0].PupilId).PupilId;
                var forged = published with { Placements = [published.Placements[0] with { PupilId = outsider }, .. published.Placements.Skip(1)] };
                var forgedCheck = AllocationEngine.Verify(lottery, forged);
                Assert.True(forgedCheck.InputMatches && forgedCheck.DrawMatches);
                Assert.False(forgedCheck.OutcomeMatches);
            }
            // One applicant dropped from the list after the draw: the input no longer matches what was published.
            var dropped = lottery with { Applicants = [.. lottery.Applicants.Skip(1)] };
            Assert.False(AllocationEngine.Verify(dropped, published).Matches);
        }, iter: 100);

    [Fact]
    public void A_different_seed_gives_a_different_order()
    {
        var programme = new ProgrammeSeats(Guid.NewGuid(), 5, [new TimeSlot(Monday, Monday.AddHours(1))]);
        var applicants = Enumerable.Range(0, 20).Select(_ => new Applicant(Guid.NewGuid(), 3, [programme.ProgrammeId], Monday.AddDays(-3))).ToList();
        var orders = Enumerable.Range(0, 50)
            .Select(s => AllocationEngine.Allocate(new AllocationRequest([programme], applicants, 1, AllocationMode.Lottery, $"seed-{s}")))
            .Select(r => string.Join(',', r.Audit.Draw.Select(d => d.PupilId)))
            .ToList();
        // 20 applicants: two seeds give the same order with probability 1/20! — 50 seeds, 50 distinct orders.
        Assert.Equal(50, orders.Distinct().Count());
        // …and the winners of the five seats differ too.
        Assert.True(Enumerable.Range(0, 50).Select(s => string.Join(',', orders[s].Split(',').Take(5).Order())).Distinct().Count() > 40);
    }
}
