using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

/// <summary>District = a county/district bureau (区县教育局), City = a city bureau (市教委/市教育局) overseeing its districts.
/// Bureaus stored before levels existed load as District (0).</summary>
public enum BureauLevel { District = 0, City }

/// <summary>
/// An education bureau (教育局): regulator and funder of the districts it oversees. A district bureau holds exactly one
/// district in <see cref="Districts"/>; a city bureau holds none and oversees every district of its <see cref="CityCode"/>,
/// worked out at sign-in.
/// </summary>
public sealed class Bureau : IAggregate
{
    [JsonConstructor]
    private Bureau() { }

    public Bureau(Guid id, string name, IReadOnlyList<string> districts, BureauLevel level = BureauLevel.District, string? cityCode = null)
    {
        Id = id; Name = name; Districts = districts; Level = level; CityCode = cityCode;
    }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public string Name { get; private set; } = "";
    [JsonInclude] public IReadOnlyList<string> Districts { get; private set; } = [];
    [JsonInclude] public BureauLevel Level { get; private set; }

    /// <summary>A city bureau's city: the first four digits of its districts' GB/T 2260 codes.</summary>
    [JsonInclude] public string? CityCode { get; private set; }

    /// <summary>Disabled by the administrator (its users carry <c>OrganizationDisabled</c> too).</summary>
    [JsonInclude] public bool Disabled { get; private set; }

    /// <summary>Disabled or enabled again by the administrator, together with its users' <c>OrganizationDisabled</c>.</summary>
    public void SetDisabled(bool disabled)
    {
        Disabled = disabled;
        Version++;
    }
}
