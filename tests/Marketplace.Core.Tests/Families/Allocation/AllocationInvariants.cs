using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Marketplace.Core.Families.Allocation;

namespace Marketplace.Core.Tests.Families.Allocation;

/// <summary>
/// What every allocation must satisfy, checked from the input and the output alone (brute force, not the engine's own code):
/// seats, time clashes, the cap, choices and grades, the order, the waiting lists and why each pupil waits.
/// </summary>
internal static class AllocationInvariants
{
    public static void Check(AllocationRequest request, AllocationResult result)
    {
        var programmes = request.Programmes.ToDictionary(p => p.ProgrammeId);
        var applicants = request.Applicants.ToDictionary(a => a.PupilId);
        var position = result.Audit.Draw.ToDictionary(d => d.PupilId, d => d.Position);

        // The order is a permutation of the applicants, positions 1..n.
        Assert.Equal(request.Applicants.Count, result.Audit.Draw.Count);
        Assert.Equal(Enumerable.Range(1, request.Applicants.Count), result.Audit.Draw.Select(d => d.Position));
        Assert.Equal(applicants.Keys.Order(), position.Keys.Order());
        CheckOrder(request, result.Audit);

        // No programme over capacity; a pupil gets a programme at most once, only one they chose, of their grade, at its rank.
        foreach (var group in result.Placements.GroupBy(p => p.ProgrammeId))
            Assert.True(group.Count() <= programmes[group.Key].Seats, $"programme {group.Key} over capacity: {group.Count()} > {programmes[group.Key].Seats}");
        var byPupil = result.Placements.GroupBy(p => p.PupilId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (pupil, mine) in byPupil)
        {
            var a = applicants[pupil];
            Assert.True(mine.Count <= request.CapPerPupil, $"pupil {pupil} got {mine.Count} > cap {request.CapPerPupil}");
            Assert.Equal(mine.Count, mine.Select(p => p.ProgrammeId).Distinct().Count());
            Assert.Equal(Enumerable.Range(1, mine.Count), mine.Select(p => p.Round));
            foreach (var p in mine)
            {
                Assert.Equal(a.Choices.ToList().IndexOf(p.ProgrammeId) + 1, p.ChoiceRank);
                Assert.True(programmes[p.ProgrammeId].Admits(a.Grade), $"grade {a.Grade} not admitted to {p.ProgrammeId}");
            }
            // No pupil in two overlapping sessions: what they got, pairwise and against what they already hold.
            var times = mine.SelectMany(p => programmes[p.ProgrammeId].Sessions.Select(s => (s, p.ProgrammeId))).ToList();
            for (var i = 0; i < times.Count; i++)
            {
                for (var j = i + 1; j < times.Count; j++)
                    if (times[i].ProgrammeId != times[j].ProgrammeId)
                        Assert.False(Overlap(times[i].s, times[j].s), $"pupil {pupil} double-booked: {times[i].s} / {times[j].s}");
                foreach (var held in a.Commitments ?? [])
                    Assert.False(Overlap(times[i].s, held), $"pupil {pupil} given a session over a commitment");
            }
        }
        // Lottery: placements in rounds, each round in draw order. First come: pupil by pupil, in order.
        var lottery = request.Mode == AllocationMode.Lottery;
        (int, int) Made(Placement p) => lottery ? (p.Round, position[p.PupilId]) : (position[p.PupilId], p.Round);
        Assert.True(result.Placements.Zip(result.Placements.Skip(1)).All(x => Made(x.First).CompareTo(Made(x.Second)) < 0), "placements out of order");

        var free = request.Programmes.ToDictionary(p => p.ProgrammeId, p => p.Seats - result.Placements.Count(x => x.ProgrammeId == p.ProgrammeId));
        Assert.Equal(request.Programmes.Select(p => p.ProgrammeId).Order(), result.WaitingLists.Keys.Order());
        foreach (var (programme, list) in result.WaitingLists)
        {
            var placed = result.Placements.Where(p => p.ProgrammeId == programme).Select(p => p.PupilId).ToHashSet();
            // Exactly those who ranked it, did not get it and whose grade it admits — in draw order, numbered 1..n.
            var expected = request.Applicants.Where(a => a.Choices.Contains(programme) && !placed.Contains(a.PupilId) && programmes[programme].Admits(a.Grade))
                .OrderBy(a => position[a.PupilId]).Select(a => a.PupilId);
            Assert.Equal(expected, list.Select(w => w.PupilId));
            Assert.Equal(Enumerable.Range(1, list.Count), list.Select(w => w.Position));
            Assert.DoesNotContain(list, w => placed.Contains(w.PupilId));
            foreach (var w in list)
            {
                var a = applicants[w.PupilId];
                var mine = byPupil.GetValueOrDefault(w.PupilId) ?? [];
                Assert.Equal(a.Choices.ToList().IndexOf(programme) + 1, w.ChoiceRank);
                var clashes = Clashes(programmes[programme], a, mine.Select(p => programmes[p.ProgrammeId]));
                var why = mine.Count >= request.CapPerPupil ? WaitReason.CapReached : clashes ? WaitReason.Overlap : WaitReason.Full;
                Assert.Equal(why, w.Reason);
                // Waiting because full means full: nobody below the cap is left out of a programme that had a seat and fitted.
                if (w.Reason == WaitReason.Full) Assert.Equal(0, free[programme]);
            }
        }
        if (lottery) CheckRoundOnePriority(request, result, position);
        else CheckFirstComePriority(request, result, position);
    }

    /// <summary>
    /// First come: a pupil who came earlier and ranked a programme a later pupil got, which admitted and fitted them, either got it
    /// or had filled the cap, or it clashed with, programmes they ranked higher (they took their choices in rank order).
    /// </summary>
    private static void CheckFirstComePriority(AllocationRequest request, AllocationResult result, Dictionary<Guid, int> position)
    {
        var programmes = request.Programmes.ToDictionary(p => p.ProgrammeId);
        var got = result.Placements.ToLookup(p => p.PupilId);
        foreach (var later in result.Placements)
            foreach (var a in request.Applicants.Where(a => position[a.PupilId] < position[later.PupilId] && a.Choices.Contains(later.ProgrammeId)))
            {
                var p = programmes[later.ProgrammeId];
                if (!p.Admits(a.Grade) || Clashes(p, a, []) || got[a.PupilId].Any(x => x.ProgrammeId == p.ProgrammeId)) continue;
                var rank = a.Choices.ToList().IndexOf(p.ProgrammeId) + 1;
                var above = got[a.PupilId].Where(x => x.ChoiceRank < rank).ToList();
                Assert.True(above.Count >= request.CapPerPupil || Clashes(p, a, above.Select(x => programmes[x.ProgrammeId])),
                    $"pupil at {position[a.PupilId]} ranked {p.ProgrammeId} #{rank} but pupil at {position[later.PupilId]} got it");
            }
    }

    /// <summary>
    /// The draw order is respected: a pupil placed in round 1 on programme P, if P admitted and fitted an earlier pupil A who ranked
    /// P, A's own round-1 programme is one A ranked at least as high as P (A came first and could have taken P).
    /// </summary>
    private static void CheckRoundOnePriority(AllocationRequest request, AllocationResult result, Dictionary<Guid, int> position)
    {
        var programmes = request.Programmes.ToDictionary(p => p.ProgrammeId);
        var roundOne = result.Placements.Where(p => p.Round == 1).ToDictionary(p => p.PupilId);
        foreach (var later in roundOne.Values)
            foreach (var a in request.Applicants.Where(a => position[a.PupilId] < position[later.PupilId] && a.Choices.Contains(later.ProgrammeId)))
            {
                var p = programmes[later.ProgrammeId];
                if (!p.Admits(a.Grade) || Clashes(p, a, [])) continue;
                var rankOfP = a.Choices.ToList().IndexOf(later.ProgrammeId) + 1;
                Assert.True(roundOne.TryGetValue(a.PupilId, out var own) && own.ChoiceRank <= rankOfP,
                    $"pupil at {position[a.PupilId]} ranked {p.ProgrammeId} #{rankOfP} but pupil at {position[later.PupilId]} took it in round 1");
            }
    }

    /// <summary>Lottery: the digests recomputed here, keys non-increasing (exactly); first come: submission times non-decreasing.</summary>
    private static void CheckOrder(AllocationRequest request, AllocationAudit audit)
    {
        var applicants = request.Applicants.ToDictionary(a => a.PupilId);
        if (request.Mode == AllocationMode.FirstCome)
        {
            Assert.Null(audit.Seed);
            foreach (var (x, y) in audit.Draw.Zip(audit.Draw.Skip(1)))
                Assert.True((applicants[x.PupilId].SubmittedAt, x.PupilId).CompareTo((applicants[y.PupilId].SubmittedAt, y.PupilId)) < 0, "first-come order broken");
            return;
        }
        Assert.Equal(request.Seed, audit.Seed);
        Assert.Equal(Hex(SHA256.HashData(Encoding.UTF8.GetBytes(request.Seed!))), audit.SeedCommitment);
        var priority = request.PriorityFlags ?? [];
        foreach (var d in audit.Draw)
        {
            Assert.Equal(Hex(SHA256.HashData(Encoding.UTF8.GetBytes($"{request.Seed}:{d.PupilId}"))), d.Digest);
            Assert.Equal(request.WeightOf(applicants[d.PupilId]), d.Weight);
            // Tier: the first priority flag (in the school's order) the pupil has, else after all of them.
            var flags = applicants[d.PupilId].Flags ?? [];
            var tier = priority.Select((f, t) => (f, t)).Where(x => flags.Contains(x.f)).Select(x => x.t).DefaultIfEmpty(priority.Count).First();
            Assert.Equal(tier, d.Tier);
        }
        foreach (var (x, y) in audit.Draw.Zip(audit.Draw.Skip(1)))
        {
            Assert.True(x.Tier <= y.Tier, $"tier {y.Tier} drawn after tier {x.Tier}");
            if (x.Tier < y.Tier) continue;
            // x before y: u_x^(1/w_x) ≥ u_y^(1/w_y), i.e. (U_x+1)^w_y · 2^(53·w_x) ≥ (U_y+1)^w_x · 2^(53·w_y); on equality by pupil id.
            var (ux, uy) = (Bits53(x.Digest!) + 1, Bits53(y.Digest!) + 1);
            var left = BigInteger.Pow(ux, y.Weight) * BigInteger.Pow(2, 53 * x.Weight);
            var right = BigInteger.Pow(uy, x.Weight) * BigInteger.Pow(2, 53 * y.Weight);
            Assert.True(left > right || (left == right && string.CompareOrdinal(x.PupilId.ToString(), y.PupilId.ToString()) < 0), $"lottery order broken at {x.Position}");
        }
    }

    public static BigInteger Bits53(string hexDigest) => BigInteger.Parse("0" + hexDigest[..16], System.Globalization.NumberStyles.HexNumber) >> 11;

    private static string Hex(byte[] bytes) => string.Concat(bytes.Select(b => b.ToString("x2")));

    private static bool Clashes(ProgrammeSeats p, Applicant a, IEnumerable<ProgrammeSeats> given) =>
        p.Sessions.Any(s => (a.Commitments ?? []).Any(c => Overlap(s, c)) || given.Any(g => g.Sessions.Any(t => Overlap(s, t))));

    private static bool Overlap(TimeSlot a, TimeSlot b) => a.Start < b.End && b.Start < a.End;
}
