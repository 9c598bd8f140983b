namespace Marketplace.Core.Catalog;

/// <summary>统一社会信用代码 (GB 32100-2015): 18 characters with a check at [18] and a GB 11714 check at [17].</summary>
public static class CreditCode
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    private static readonly int[] OrgWeights = [3, 7, 9, 10, 5, 8, 4, 2];

    public static string Normalize(string? code) => (code ?? "").Trim().ToUpperInvariant();

    public static bool IsValid(string? code)
    {
        var c = Normalize(code);
        if (c.Length != 18 || c.Any(ch => Alphabet.IndexOf(ch, StringComparison.Ordinal) < 0)) return false;
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += Alphabet.IndexOf(c[i], StringComparison.Ordinal) * Weights[i];
        if (Alphabet[(31 - sum % 31) % 31] != c[17]) return false;
        return OrganizationCheckDigit(c.AsSpan(8, 8)) is char check && check == c[16];
    }

    /// <summary>Computes the [18] check character for 17 leading characters (used by the demo seed).</summary>
    public static char CheckCharacter(string first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++) sum += Alphabet.IndexOf(first17[i], StringComparison.Ordinal) * Weights[i];
        return Alphabet[(31 - sum % 31) % 31];
    }

    /// <summary>GB 11714 check over the 8 body characters of the organisation code; null if a character is not allowed there.</summary>
    public static char? OrganizationCheckDigit(ReadOnlySpan<char> body)
    {
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            var ch = body[i];
            int value = ch is >= '0' and <= '9' ? ch - '0' : ch is >= 'A' and <= 'Z' ? ch - 'A' + 10 : -1;
            if (value < 0) return null;
            sum += value * OrgWeights[i];
        }
        var c = 11 - sum % 11;
        return c switch { 10 => 'X', 11 => '0', _ => (char)('0' + c) };
    }
}
