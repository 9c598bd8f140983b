using System.Globalization;

namespace Marketplace.Api.Web.Components.Bureau;

/// <summary>
/// Yuan as an officer types them ("3", "3.5", "3.00", "¥1,200.00") to fen, in decimal arithmetic so "3.00" is 300 exactly and
/// "0.29" is 29 (never 28.999…); and fen back to the plain "3.00" the form shows. Ranges are the use case's to check.
/// </summary>
public static class BureauAmounts
{
    /// <summary>True with the fen (null for an empty field); false when the text is not an amount with at most two decimals.</summary>
    public static bool TryFen(string? text, out long? fen)
    {
        fen = null;
        var t = (text ?? "").Trim().TrimStart('¥', '￥').Replace(",", "", StringComparison.Ordinal).Trim();
        if (t.Length == 0) return true;
        if (!decimal.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan)
            || decimal.Round(yuan, 2) != yuan || Math.Abs(yuan) > 1_000_000_000m)
            return false;
        fen = (long)(yuan * 100m);
        return true;
    }

    /// <summary>Fen as the yuan the form shows: 300 → "3.00".</summary>
    public static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
