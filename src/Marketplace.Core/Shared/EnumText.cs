using System.Collections.Frozen;

namespace Marketplace.Core.Shared;

/// <summary>
/// An enum member from its stored name (StoreJson writes enums by name), through a table built once: the reports read hundreds of
/// thousands of stored names, and Enum.Parse costs a search and a boxing each time. Unknown text throws as Enum.Parse does.
/// </summary>
public static class EnumText<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<string, T> Names =
        Enum.GetValues<T>().ToFrozenDictionary(v => v.ToString(), v => v, StringComparer.Ordinal);

    public static T Parse(string text) => Names.TryGetValue(text, out var value) ? value : Enum.Parse<T>(text);
}
