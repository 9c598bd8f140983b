using CsCheck;
using Marketplace.Core.Families.Allocation;

namespace Marketplace.Core.Tests.Families.Allocation;

/// <summary>
/// Random selection windows, small enough that seats run out and times clash often: 1–8 programmes of 0–6 seats, each 1–4
/// half-hour-aligned sessions in one school week (some open to a few grades only); 0–40 applicants with 1–4 ranked choices,
/// flags, up to two commitments elsewhere and submission times that often tie; cap 1–3; first come or a lottery with weights
/// and, in half the cases, priority flags.
/// </summary>
internal static class AllocationGen
{
    public static readonly DateTimeOffset Monday = new(2026, 9, 7, 7, 30, 0, TimeSpan.Zero); // 15:30 Beijing

    public static readonly Gen<TimeSlot> Slot = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 5], Gen.Int[1, 4], (day, start, halves) =>
        new TimeSlot(Monday.AddDays(day).AddMinutes(30 * start), Monday.AddDays(day).AddMinutes(30 * (start + halves))));

    private static readonly Gen<int[]?> Grades = Gen.Frequency(
        (3, Gen.Const((int[]?)null)),
        (1, Gen.Int[1, 9].Array[1, 4].Select(g => (int[]?)g)));

    private static readonly Gen<ProgrammeSeats> Programme = Gen.Select(Gen.Guid, Gen.Int[0, 6], Slot.Array[1, 4], Grades,
        (id, seats, sessions, grades) => new ProgrammeSeats(id, seats, sessions, grades));

    private static readonly string[][] FlagSets = [[], ["hardship"], ["no-activity"], ["hardship", "no-activity"]];

    private static Gen<Applicant> ApplicantFor(ProgrammeSeats[] programmes) => Gen.Select(
        Gen.Guid, Gen.Int[1, 9], Gen.Int[0, programmes.Length - 1].Array[1, 4], Gen.Int[0, 30], Gen.Int[0, 3], Slot.Array[0, 2],
        (pupil, grade, picks, minute, flags, held) => new Applicant(
            pupil, grade, [.. picks.Distinct().Select(p => programmes[p].ProgrammeId)], Monday.AddDays(-7).AddMinutes(minute),
            FlagSets[flags], held));

    public static readonly Gen<AllocationRequest> Requests = Programme.Array[1, 8].SelectMany(programmes => Gen.Select(
        ApplicantFor(programmes).Array[0, 40], Gen.Int[1, 3], Gen.Bool, Gen.Int[0, 1_000_000], Gen.Int[1, 5], Gen.Int[1, 3], Gen.Int[0, 3],
        (applicants, cap, lottery, seed, hardship, idle, priority) => new AllocationRequest(
            programmes, applicants, cap, lottery ? AllocationMode.Lottery : AllocationMode.FirstCome,
            lottery ? $"seed-{seed}" : null,
            new Dictionary<string, int> { ["hardship"] = hardship, ["no-activity"] = idle },
            priority switch { 0 => null, 1 => ["hardship"], 2 => ["no-activity", "hardship"], _ => [] })));

    public static AllocationRequest Lottery(AllocationRequest request, string seed) => request with { Mode = AllocationMode.Lottery, Seed = seed };

    public static string Describe(AllocationRequest r) =>
        $"{r.Mode} seed={r.Seed} cap={r.CapPerPupil} priority=[{string.Join(',', r.PriorityFlags ?? [])}] programmes={r.Programmes.Count} applicants={r.Applicants.Count}\n" +
        string.Join('\n', r.Programmes.Select(p => $"  P {p.ProgrammeId:N} seats={p.Seats} grades=[{string.Join(',', p.Grades ?? [])}] " +
            string.Join(' ', p.Sessions.Select(s => $"{s.Start:ddHH:mm}-{s.End:HH:mm}"))));
}
