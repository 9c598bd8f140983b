using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Identity;

/// <summary>
/// One-time activation codes for users created without a password: 16 symbols of Crockford's base32 alphabet (80 random bits; no I,
/// L, O or U, so a code read aloud or retyped stays unambiguous), shown once and stored as SHA-256 (hex). 80 random bits need no
/// slow hash, which keeps a 2,000-row import in milliseconds where 2,000 PBKDF2 hashes would take minutes.
/// </summary>
public static class ActivationCode
{
    public const int Length = 16;
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);
    private const string Symbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // 32 symbols: the low 5 bits of a random byte pick one without bias

    public static string New() => string.Create(Length, 0, static (span, _) =>
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        for (var i = 0; i < Length; i++) span[i] = Symbols[bytes[i] & 31];
    });

    /// <summary>SHA-256 of the code as typed, ignoring case, spaces and hyphens (hex, lower case).</summary>
    public static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(Normalize(code))));

    /// <summary>Whether <paramref name="code"/> is the one whose hash is stored, compared in constant time.</summary>
    public static bool Matches(string storedHash, string code) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash), Encoding.ASCII.GetBytes(Hash(code)));

    private static string Normalize(string code) =>
        string.Concat(code.Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant));
}
