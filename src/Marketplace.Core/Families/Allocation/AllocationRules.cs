using Marketplace.Core.Shared;
using R = Marketplace.Core.Families.Allocation.AllocationRequest;

namespace Marketplace.Core.Families.Allocation;

/// <summary>What an allocation run refuses before drawing anything; every bad field at once, named as a client would send it.</summary>
internal static class AllocationRules
{
    public static void Validate(AllocationRequest request)
    {
        var v = new Validator();
        v.Range(request.CapPerPupil, 1, R.MaxCap, "capPerPupil");
        if (request.Mode == AllocationMode.Lottery) v.Text(request.Seed, "seed", R.MaxSeedLength);
        if (request.Weights is { } weights && v.Count(weights.Keys.ToList(), "weights", R.MaxFlags * 2))
            foreach (var (flag, weight) in weights)
            {
                v.Text(flag, $"weights.{flag}", R.MaxFlagLength);
                v.Range(weight, 1, R.MaxFlagWeight, $"weights.{flag}");
            }
        if (request.PriorityFlags is { } priority && v.Count(priority, "priorityFlags", R.MaxFlags))
            for (var i = 0; i < priority.Count; i++)
            {
                v.Text(priority[i], $"priorityFlags[{i}]", R.MaxFlagLength);
                if (priority.Take(i).Contains(priority[i], StringComparer.Ordinal)) v.Add($"priorityFlags[{i}]", new UserMessage("allocation.duplicate-flag"));
            }

        var known = new HashSet<Guid>();
        if (v.Count(request.Programmes, "programmes", R.MaxProgrammes))
            for (var i = 0; i < request.Programmes.Count; i++)
            {
                var p = request.Programmes[i];
                var field = $"programmes[{i}]";
                if (!known.Add(p.ProgrammeId)) v.Add($"{field}.programmeId", new UserMessage("allocation.duplicate-programme"));
                v.Range(p.Seats, 0, R.MaxSeats, $"{field}.seats");
                if (p.Sessions.Count == 0) v.Add($"{field}.sessions", new UserMessage("validation.required"));
                else if (v.Count(p.Sessions, $"{field}.sessions", R.MaxSessions)) Slots(v, p.Sessions, $"{field}.sessions");
                if (p.Grades is { } grades && v.Count(grades, $"{field}.grades", 9))
                    for (var g = 0; g < grades.Count; g++) v.Range(grades[g], 1, 9, $"{field}.grades[{g}]");
            }

        var pupils = new HashSet<Guid>();
        if (!v.Count(request.Applicants, "applicants", R.MaxApplicants)) { v.ThrowIfInvalid(); return; }
        for (var i = 0; i < request.Applicants.Count; i++)
        {
            var a = request.Applicants[i];
            var field = $"applicants[{i}]";
            if (!pupils.Add(a.PupilId)) v.Add($"{field}.pupilId", new UserMessage("allocation.duplicate-pupil"));
            v.Range(a.Grade, 1, 9, $"{field}.grade");
            if (a.Choices.Count == 0) v.Add($"{field}.choices", new UserMessage("validation.required"));
            else if (v.Count(a.Choices, $"{field}.choices", R.MaxChoices))
                for (var c = 0; c < a.Choices.Count; c++)
                {
                    if (!known.Contains(a.Choices[c])) v.Add($"{field}.choices[{c}]", new UserMessage("allocation.unknown-programme"));
                    else if (a.Choices.Take(c).Contains(a.Choices[c])) v.Add($"{field}.choices[{c}]", new UserMessage("allocation.duplicate-choice"));
                }
            if (a.Flags is { } flags && v.Count(flags, $"{field}.flags", R.MaxFlags))
                for (var f = 0; f < flags.Count; f++) v.Text(flags[f], $"{field}.flags[{f}]", R.MaxFlagLength);
            if (a.Commitments is { } held && v.Count(held, $"{field}.commitments", R.MaxCommitments)) Slots(v, held, $"{field}.commitments");
        }
        v.ThrowIfInvalid();
    }

    private static void Slots(Validator v, IReadOnlyList<TimeSlot> slots, string field)
    {
        for (var s = 0; s < slots.Count; s++)
            v.Require(slots[s].End > slots[s].Start, $"{field}[{s}]", new UserMessage("allocation.session-order"));
    }
}
