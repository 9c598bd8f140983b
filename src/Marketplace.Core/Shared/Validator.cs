namespace Marketplace.Core.Shared;

/// <summary>Collects field errors and throws them together, so a client sees every bad field at once.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<UserMessage>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validator Add(string field, UserMessage message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public Validator Require(bool condition, string field, UserMessage message) => condition ? this : Add(field, message);

    /// <summary>
    /// Text a person typed and others will read: at most <paramref name="maxLength"/> UTF-16 units, no control
    /// characters (ESC, NUL, C1 …; <paramref name="multiline"/> text may hold line breaks and tabs), and, when it is
    /// sent at all, at least one visible character. Whitespace-only optional text counts as absent, as the domain trims it.
    /// </summary>
    public Validator Text(string? value, string field, int maxLength, bool required = true, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
            return required ? Add(field, new UserMessage("validation.required")) : this;
        if (value.Length > maxLength) return Add(field, new UserMessage("validation.max-length", maxLength));
        if (TextRules.FindForbidden(value, multiline) is { } bad)
            return Add(field, bad < 0
                ? new UserMessage("validation.invalid-unicode")
                : new UserMessage("validation.control-character", $"U+{bad:X4}"));
        if (!TextRules.HasVisible(value))
            return Add(field, new UserMessage(required ? "validation.visible-required" : "validation.visible-or-absent"));
        return this;
    }

    /// <summary>A list of texts (tags …): at most <paramref name="maxCount"/> items, each checked as <see cref="Text"/>
    /// under <c>field[i]</c>. Items are not looked at when the list is too long.</summary>
    public Validator Texts(IReadOnlyList<string?>? values, string field, int maxCount, int maxLength)
    {
        if (values is null || !Count(values, field, maxCount)) return this;
        for (var i = 0; i < values.Count; i++) Text(values[i], $"{field}[{i}]", maxLength);
        return this;
    }

    /// <summary>Refuses a list longer than <paramref name="max"/>; true when the list is absent or short enough,
    /// so a caller checks the items only then (a 50,000-item list gets one error, not 50,000).</summary>
    public bool Count<T>(IReadOnlyCollection<T>? items, string field, int max)
    {
        if (items is null || items.Count <= max) return true;
        Add(field, new UserMessage("validation.max-items", max));
        return false;
    }

    public Validator Range(long value, long min, long max, string field) =>
        value < min || value > max ? Add(field, new UserMessage("validation.range", min, max)) : this;

    public void ThrowIfInvalid()
    {
        if (!IsValid) throw new ValidationFailedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
