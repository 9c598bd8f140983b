using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Families.Allocation;

/// <summary>
/// The weighted lottery order (Efraimidis–Spirakis): each pupil draws u from SHA-256(seed ‖ ":" ‖ pupil id), uniform in (0, 1],
/// and the key u^(1/w); larger keys come first, so a pupil of weight w beats one of weight v with probability w / (w + v).
/// The order is decided exactly — on a near tie of the floating-point keys the comparison falls back to integers — so a
/// verifier on any platform gets the same order; equal keys (same u and w: practically never) go by pupil id, ascending.
/// </summary>
public static class LotteryDraw
{
    private const int Bits = 53;
    private const double Scale = 1L << Bits;

    /// <summary>A fresh seed: 32 random bytes as 64 hex digits. Publish its <see cref="Commitment"/> when the window opens, the seed at the draw.</summary>
    public static string NewSeed() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>SHA-256 of the seed's UTF-8 bytes, hex: published beforehand, it shows the seed was not chosen after seeing the applicants.</summary>
    public static string Commitment(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)));

    /// <summary>One pupil's draw: the digest, the 53-bit integer from its first 8 bytes (big-endian), and the weight.</summary>
    public static Ticket TicketOf(string seed, Guid pupilId, int weight)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{pupilId:D}"));
        var bits = BinaryPrimitives.ReadUInt64BigEndian(digest) >> (64 - Bits);
        return new Ticket(pupilId, weight, bits, Convert.ToHexStringLower(digest));
    }

    /// <summary>A drawn ticket. <see cref="Uniform"/> = (Bits53 + 1) / 2^53; <see cref="LogKey"/> = ln(u) / w, the key in log form.</summary>
    public sealed record Ticket(Guid PupilId, int Weight, ulong Bits53, string Digest)
    {
        public double Uniform => (Bits53 + 1) / Scale;
        public double LogKey { get; } = Math.Log((Bits53 + 1) / Scale) / Weight;
        public double Key => Math.Exp(LogKey);
    }

    /// <summary>Draw order: larger key first, exactly; then pupil id (its "D" text, ordinal) ascending.</summary>
    public static int Compare(Ticket a, Ticket b)
    {
        var byKey = CompareKeys(a, b);
        return byKey != 0 ? -byKey : a.PupilId.CompareTo(b.PupilId); // Guid order is the ordinal order of its "D" text
    }

    /// <summary>
    /// Sign of a.key − b.key. Floating-point logs differ from the exact value by a few units in the last place at most, so when
    /// the two differ by more than 1e-9 relative the doubles decide; otherwise u_a^(1/w_a) vs u_b^(1/w_b) is compared as
    /// (U_a + 1)^(w_b) · 2^(53·w_a) vs (U_b + 1)^(w_a) · 2^(53·w_b) in integers (both sides raised to w_a·w_b).
    /// </summary>
    public static int CompareKeys(Ticket a, Ticket b)
    {
        var (x, y) = (a.LogKey, b.LogKey);
        if (Math.Abs(x - y) > 1e-9 * Math.Max(Math.Abs(x), Math.Abs(y))) return x.CompareTo(y);
        var left = BigInteger.Pow(a.Bits53 + 1, b.Weight) << (Bits * a.Weight);
        var right = BigInteger.Pow(b.Bits53 + 1, a.Weight) << (Bits * b.Weight);
        return left.CompareTo(right);
    }
}
