using System.Text.RegularExpressions;

namespace Marketplace.Core.Families;

/// <summary>Mainland mobile numbers (11 digits from 13–19), the one a guardian signs in with and receives codes on.</summary>
public static partial class PhoneNumbers
{
    /// <summary>The number without spaces, hyphens or a +86/0086 prefix; null when it is not a mobile number.</summary>
    public static string? Mobile(string? text)
    {
        if (text is null) return null;
        var digits = string.Concat(text.Where(c => c is not (' ' or '-')));
        if (digits.StartsWith("+86", StringComparison.Ordinal)) digits = digits[3..];
        else if (digits.StartsWith("0086", StringComparison.Ordinal)) digits = digits[4..];
        return MobileFormat().IsMatch(digits) ? digits : null;
    }

    /// <summary>For lists others read: 138****8000.</summary>
    public static string Masked(string phone) => phone.Length == 11 ? $"{phone[..3]}****{phone[7..]}" : "****";

    // [0-9] and \z: \d takes any script's digits and $ takes a trailing "\n".
    [GeneratedRegex(@"^1[3-9][0-9]{9}\z")]
    private static partial Regex MobileFormat();
}
