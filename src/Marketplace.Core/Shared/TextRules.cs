using System.Globalization;
using System.Text;

namespace Marketplace.Core.Shared;

/// <summary>What counts as a control character and as a visible one in text people type.</summary>
internal static class TextRules
{
    /// <summary>
    /// The first character text must not hold: a C0/C1 control or DEL (only <c>\n</c>, <c>\t</c> and a <c>\r</c> before
    /// <c>\n</c> in multi-line text), a line or paragraph separator, or a bidirectional embedding/override/isolate
    /// (they reorder what is displayed, "Trojan Source"); -1 for an unpaired surrogate; null when there is none.
    /// </summary>
    public static int? FindForbidden(string value, bool multiline)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsSurrogate(c))
            {
                if (Rune.DecodeFromUtf16(value.AsSpan(i), out _, out var used) != System.Buffers.OperationStatus.Done) return -1;
                i += used - 1;
                continue;
            }
            var allowedBreak = multiline && (c is '\n' or '\t' || c == '\r' && i + 1 < value.Length && value[i + 1] == '\n');
            if (char.IsControl(c) && !allowedBreak || c is '\u2028' or '\u2029' || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069')
                return c;
        }
        return null;
    }

    /// <summary>True when some character would show: a letter, digit, punctuation or symbol. Whitespace, format
    /// characters (zero-width space/joiners, BOM), lone combining marks, private-use and unassigned code points and
    /// the letters that render blank (Hangul fillers, the braille blank) do not.</summary>
    public static bool HasVisible(string value)
    {
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800) continue;
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                    or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
                    or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
                    or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                    or UnicodeCategory.OtherPunctuation
                    or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol:
                    return true;
            }
        }
        return false;
    }
}
