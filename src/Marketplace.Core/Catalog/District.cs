using System.Text.Json.Serialization;

namespace Marketplace.Core.Catalog;

/// <summary>
/// A county-level district served by the platform, identified by its GB/T 2260 code. <see cref="TravelLimitKm"/>: how far
/// pupils may travel to an off-campus venue — null means within the same city (the default), a number means great-circle km
/// from the district's centre (<see cref="Lat"/>/<see cref="Lon"/>, required when a limit is set). Rows stored before these
/// existed load with all three null.
/// </summary>
public sealed record District(string Code, string Name, string City, string Province, int? TravelLimitKm = null, double? Lat = null, double? Lon = null)
{
    /// <summary>The city: the first four digits of the code (1101 北京市市辖区, 3301 杭州市, 5101 成都市).</summary>
    [JsonIgnore] public string CityCode => Code.Length >= 4 ? Code[..4] : Code;
}
