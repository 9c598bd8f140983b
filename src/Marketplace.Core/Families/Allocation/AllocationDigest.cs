using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Families.Allocation;

/// <summary>
/// SHA-256 (hex) of a canonical text of an allocation's input, so a published result names exactly what it was computed from.
/// Programmes and applicants are listed by id, flags and times sorted, choices in rank order; the seed is not part of it
/// (it is published beside it). Listing order in the request therefore does not change the digest; any seat, grade, choice,
/// flag, weight, time or cap does.
/// </summary>
public static class AllocationDigest
{
    public static string Of(AllocationRequest request)
    {
        var text = new StringBuilder();
        text.Append("allocation-input v1\nmode ").Append(request.Mode).Append("\ncap ").Append(request.CapPerPupil).Append('\n');
        if (request.Mode == AllocationMode.Lottery)
            foreach (var (flag, weight) in (request.Weights ?? new Dictionary<string, int>()).OrderBy(w => w.Key, StringComparer.Ordinal))
                text.Append("weight ").Append(flag).Append(' ').Append(weight).Append('\n');
        if (request.Mode == AllocationMode.Lottery && request.PriorityFlags is { Count: > 0 } priority)
            text.Append("priority ").Append(string.Join(',', priority)).Append('\n'); // order matters: tier 0 first
        foreach (var p in request.Programmes.OrderBy(p => p.ProgrammeId))
        {
            text.Append("programme ").Append(p.ProgrammeId.ToString("D")).Append(" seats ").Append(p.Seats)
                .Append(" grades ").Append(string.Join(',', (p.Grades ?? []).Distinct().Order()));
            Slots(text, p.Sessions);
        }
        foreach (var a in request.Applicants.OrderBy(a => a.PupilId))
        {
            text.Append("applicant ").Append(a.PupilId.ToString("D")).Append(" grade ").Append(a.Grade)
                .Append(" submitted ").Append(Instant(a.SubmittedAt))
                .Append(" flags ").Append(string.Join(',', (a.Flags ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)))
                .Append(" choices ").Append(string.Join(',', a.Choices.Select(c => c.ToString("D"))));
            Slots(text, a.Commitments ?? []);
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Slots(StringBuilder text, IReadOnlyList<TimeSlot> slots)
    {
        text.Append(" times");
        foreach (var s in slots.OrderBy(s => s.Start).ThenBy(s => s.End))
            text.Append(' ').Append(Instant(s.Start)).Append('/').Append(Instant(s.End));
        text.Append('\n');
    }

    // UTC ticks (100 ns since 0001-01-01): exact, so two submissions a microsecond apart stay apart, and cheap to write.
    private static long Instant(DateTimeOffset at) => at.UtcTicks;
}
