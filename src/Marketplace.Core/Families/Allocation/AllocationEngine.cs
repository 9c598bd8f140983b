namespace Marketplace.Core.Families.Allocation;

/// <summary>
/// Fair allocation of a selection window's seats (issue 18): a pure function of its input. Applicants are put in one order —
/// the lottery's (priority tier, then <see cref="LotteryDraw"/>) or first come (submitted-at, then pupil id). Lottery: served in
/// rounds — in each round every pupil still below the school's cap, in that order, gets their highest-ranked choice not yet given
/// that has a free seat, admits their grade and clashes with nothing they hold or were given; a pupil for whom nothing fits is
/// done. First come: each pupil in turn takes, in rank order, every choice that fits until the cap — the reference the live path
/// (an atomic conditional update per submission in the store) is checked against. Waiting list of a programme: every pupil who
/// ranked it, was not given it and whose grade it admits, in the same order.
/// </summary>
public static class AllocationEngine
{
    public const string AlgorithmVersion = "allocation-v1: priority tier, then sha256(seed:pupil) 53-bit u, key u^(1/w) exact; lottery in rounds by rank, first come a pupil at a time";

    public static AllocationResult Allocate(AllocationRequest request)
    {
        AllocationRules.Validate(request);
        var programmes = request.Programmes;
        var index = new Dictionary<Guid, int>(programmes.Count);
        for (var i = 0; i < programmes.Count; i++) index[programmes[i].ProgrammeId] = i;
        var sessions = programmes.Select(p => Sorted(p.Sessions)).ToArray();
        var clash = Clashes(sessions);

        var (order, draw) = Order(request);
        var free = programmes.Select(p => p.Seats).ToArray();
        var given = new List<int>[order.Length];
        var choices = new int[order.Length][];
        var commitments = new TimeSlot[order.Length][];
        var active = new bool[order.Length];
        for (var n = 0; n < order.Length; n++)
        {
            given[n] = new List<int>(request.CapPerPupil);
            choices[n] = [.. order[n].Choices.Select(c => index[c])];
            commitments[n] = Sorted(order[n].Commitments ?? []);
            active[n] = true;
        }

        // Lottery: rounds of one programme per pupil, so everyone's first programme comes before anyone's second. First come: one
        // turn per pupil taking up to the cap at once — what a live path does when each guardian's submission is committed on arrival.
        var (turns, perTurn) = request.Mode == AllocationMode.Lottery ? (request.CapPerPupil, 1) : (1, request.CapPerPupil);
        var placements = new List<Placement>();
        for (var turn = 0; turn < turns; turn++)
        {
            var anyone = false;
            for (var n = 0; n < order.Length; n++)
            {
                if (!active[n]) continue;
                var took = 0;
                for (var k = 0; k < choices[n].Length && took < perTurn && given[n].Count < request.CapPerPupil; k++)
                {
                    var p = choices[n][k];
                    if (free[p] == 0 || given[n].Contains(p) || !programmes[p].Admits(order[n].Grade) || Blocked(p, given[n], commitments[n], sessions, clash)) continue;
                    free[p]--;
                    given[n].Add(p);
                    placements.Add(new Placement(order[n].PupilId, programmes[p].ProgrammeId, given[n].Count, k + 1));
                    took++;
                }
                if (took == 0) active[n] = false;
                anyone |= took > 0;
            }
            if (!anyone) break;
        }

        var waiting = programmes.Select(_ => new List<WaitingEntry>()).ToArray();
        for (var n = 0; n < order.Length; n++)
            for (var k = 0; k < choices[n].Length; k++)
            {
                var p = choices[n][k];
                if (given[n].Contains(p) || !programmes[p].Admits(order[n].Grade)) continue;
                var reason = given[n].Count >= request.CapPerPupil ? WaitReason.CapReached
                    : Blocked(p, given[n], commitments[n], sessions, clash) ? WaitReason.Overlap : WaitReason.Full;
                waiting[p].Add(new WaitingEntry(waiting[p].Count + 1, order[n].PupilId, k + 1, reason));
            }

        var lists = new Dictionary<Guid, IReadOnlyList<WaitingEntry>>(programmes.Count);
        for (var p = 0; p < programmes.Count; p++) lists[programmes[p].ProgrammeId] = waiting[p];
        var lottery = request.Mode == AllocationMode.Lottery;
        var audit = new AllocationAudit(AlgorithmVersion, request.Mode, lottery ? request.Seed : null,
            lottery ? LotteryDraw.Commitment(request.Seed!) : null, AllocationDigest.Of(request), request.CapPerPupil, draw);
        return new AllocationResult(placements, lists, audit);
    }

    /// <summary>
    /// Re-runs a published allocation from its input (the applicant list and programmes, with the published seed) and compares:
    /// the input's digest, the order drawn (pupil, weight, digest per position) and every placement and waiting list.
    /// </summary>
    public static AllocationCheck Verify(AllocationRequest request, AllocationResult published)
    {
        var again = Allocate(request);
        var inputMatches = again.Audit.InputDigest == published.Audit.InputDigest && again.Audit.AlgorithmVersion == published.Audit.AlgorithmVersion
            && again.Audit.Seed == published.Audit.Seed && again.Audit.Mode == published.Audit.Mode;
        var drawMatches = again.Audit.Draw.Select(d => (d.Position, d.PupilId, d.Weight, d.Digest, d.Tier))
            .SequenceEqual(published.Audit.Draw.Select(d => (d.Position, d.PupilId, d.Weight, d.Digest, d.Tier)));
        var outcomeMatches = again.Placements.SequenceEqual(published.Placements)
            && again.WaitingLists.Count == published.WaitingLists.Count
            && again.WaitingLists.All(w => published.WaitingLists.TryGetValue(w.Key, out var other) && w.Value.SequenceEqual(other));
        return new AllocationCheck(inputMatches, drawMatches, outcomeMatches);
    }

    private static (Applicant[] Order, DrawEntry[] Draw) Order(AllocationRequest request)
    {
        var applicants = request.Applicants;
        if (request.Mode == AllocationMode.FirstCome)
        {
            var byTime = applicants.OrderBy(a => a.SubmittedAt).ThenBy(a => a.PupilId).ToArray();
            return (byTime, [.. byTime.Select((a, i) => new DrawEntry(i + 1, a.PupilId, 1, null, null, null, a.SubmittedAt))]);
        }
        var tickets = new (int Tier, LotteryDraw.Ticket Ticket, Applicant Applicant)[applicants.Count];
        for (var i = 0; i < applicants.Count; i++)
            tickets[i] = (request.TierOf(applicants[i]), LotteryDraw.TicketOf(request.Seed!, applicants[i].PupilId, request.WeightOf(applicants[i])), applicants[i]);
        Array.Sort(tickets, (x, y) => x.Tier != y.Tier ? x.Tier.CompareTo(y.Tier) : LotteryDraw.Compare(x.Ticket, y.Ticket));
        return ([.. tickets.Select(t => t.Applicant)],
            [.. tickets.Select((t, i) => new DrawEntry(i + 1, t.Ticket.PupilId, t.Ticket.Weight, t.Ticket.Digest, t.Ticket.Uniform, t.Ticket.Key, null, t.Tier))]);
    }

    /// <summary>True when programme <paramref name="p"/> clashes with a programme already given or with one of the pupil's commitments.</summary>
    private static bool Blocked(int p, List<int> given, TimeSlot[] commitments, TimeSlot[][] sessions, bool[,] clash)
    {
        foreach (var g in given) if (clash[p, g]) return true;
        return commitments.Length > 0 && AnyOverlap(sessions[p], commitments);
    }

    private static bool[,] Clashes(TimeSlot[][] sessions)
    {
        var clash = new bool[sessions.Length, sessions.Length];
        for (var i = 0; i < sessions.Length; i++)
            for (var j = i + 1; j < sessions.Length; j++)
                clash[i, j] = clash[j, i] = AnyOverlap(sessions[i], sessions[j]);
        return clash;
    }

    /// <summary>Any overlap between two lists sorted by start: a sweep that keeps the furthest end seen on each side.</summary>
    private static bool AnyOverlap(TimeSlot[] a, TimeSlot[] b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i].Overlaps(b[j])) return true;
            if (a[i].End <= b[j].End) i++; else j++;
        }
        return false;
    }

    private static TimeSlot[] Sorted(IEnumerable<TimeSlot> slots) => [.. slots.OrderBy(s => s.Start).ThenBy(s => s.End)];
}
