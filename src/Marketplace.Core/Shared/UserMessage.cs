namespace Marketplace.Core.Shared;

/// <summary>
/// A text a person reads (a validation or rule message), as a resource key and its arguments. Core never holds the words:
/// the host renders the key from its .resx resources (zh-CN neutral, en) in the language the request asked for.
/// Arguments are values, not sentences: numbers, Beijing-time strings, names, enum values (rendered by their own
/// resource <c>enum.&lt;Type&gt;.&lt;Name&gt;</c> when there is one), lists (joined the language's way) or nested messages.
/// </summary>
public sealed record UserMessage(string Key, params object?[] Args)
{
    /// <summary>For logs and exception messages, which are not shown to clients: the key and its arguments.</summary>
    public override string ToString() =>
        Args.Length == 0 ? Key : $"{Key}({string.Join(", ", Args.Select(a => a is System.Collections.IEnumerable e and not string ? string.Join("|", e.Cast<object?>()) : a))})";
}
