using System.Text.RegularExpressions;

namespace Marketplace.Core.Catalog;

/// <summary>
/// GB/T 2260 administrative division codes (中华人民共和国行政区划代码): two digits of province, two of city (prefecture), two
/// of county. A county-level code (区、县、县级市) has a real province prefix and neither the city nor the county part 00.
/// </summary>
public static partial class AreaCode
{
    /// <summary>The province-level prefixes: 11–15 华北, 21–23 东北, 31–37 华东, 41–46 中南, 50–54 西南, 61–65 西北, 71 台湾, 81 香港, 82 澳门.</summary>
    private static readonly HashSet<int> Provinces =
        [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82];

    public static bool IsCountyLevel(string? code) =>
        code is not null && Shape().IsMatch(code) && Provinces.Contains(int.Parse(code[..2], System.Globalization.CultureInfo.InvariantCulture))
        && code[2..4] != "00" && code[4..6] != "00";

    // [0-9], not \d (which takes any script's digits); \z, not $ (which allows a trailing newline).
    [GeneratedRegex(@"^[1-8][0-9]{5}\z")]
    private static partial Regex Shape();
}
