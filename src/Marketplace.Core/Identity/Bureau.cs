using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

/// <summary>An education bureau (教育局): regulator and funder of the districts it oversees.</summary>
public sealed class Bureau : IAggregate
{
    [JsonConstructor]
    private Bureau() { }

    public Bureau(Guid id, string name, IReadOnlyList<string> districts) { Id = id; Name = name; Districts = districts; }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public string Name { get; private set; } = "";
    [JsonInclude] public IReadOnlyList<string> Districts { get; private set; } = [];
}
