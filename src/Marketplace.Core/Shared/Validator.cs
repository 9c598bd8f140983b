namespace Marketplace.Core.Shared;

/// <summary>Collects field errors and throws them together, so a client sees every bad field at once.</summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validator Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public Validator Require(bool condition, string field, string message) => condition ? this : Add(field, message);

    public Validator Text(string? value, string field, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
            return required ? Add(field, "必填 / required.") : this;
        return value.Length > maxLength ? Add(field, $"最多 {maxLength} 个字符 / at most {maxLength} characters.") : this;
    }

    public Validator Range(long value, long min, long max, string field) =>
        value < min || value > max ? Add(field, $"须在 {min} 到 {max} 之间 / must be between {min} and {max}.") : this;

    public void ThrowIfInvalid()
    {
        if (!IsValid) throw new ValidationFailedException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }
}
