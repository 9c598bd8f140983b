using System.Globalization;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Web.Components.School;

/// <summary>What the school's and the provider's statement pages share: months, yuan input, ledger account ids.</summary>
public static class MoneyUi
{
    /// <summary>This month in Beijing, yyyy-MM.</summary>
    public static string MonthOf(DateTimeOffset now) => ChinaTime.DateOf(now).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>An amount typed in yuan ("324", "324.5", "1,324.00") as fen; null when it is not one (at most two decimals).</summary>
    public static long? Fen(string? yuan)
    {
        if (!decimal.TryParse(yuan?.Replace(",", "", StringComparison.Ordinal).Replace("¥", "", StringComparison.Ordinal).Trim(),
                NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)) return null;
        var fen = value * 100;
        return fen == decimal.Truncate(fen) && fen <= long.MaxValue ? (long)fen : null;
    }

    /// <summary>An amount in fen as the yuan a form field shows ("324.00").</summary>
    public static string Yuan(long fen) => (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The other party of a provider-payable account (provider-payable:{provider}:{school}): (provider, school).</summary>
    public static (Guid Provider, Guid School)? PayableParties(string account)
    {
        var parts = account.Split(':');
        return parts.Length == 3 && parts[0] == "provider-payable" && Guid.TryParseExact(parts[1], "N", out var provider)
            && Guid.TryParseExact(parts[2], "N", out var school) ? (provider, school) : null;
    }

    /// <summary>Tag colour class (StatusTag kinds) of a payment state.</summary>
    public static string StateKind(PaymentState state) => state switch
    {
        PaymentState.Succeeded => "confirmed",
        PaymentState.Failed => "warning",
        _ => "requested",
    };
}
