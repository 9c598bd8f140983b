namespace Marketplace.Core.Shared;

// Every exception a client may see carries UserMessages (resource keys + arguments), never words: the host renders them in
// the caller's language (see docs/architecture.md, "Messages and languages"). Exception.Message is for logs only.

/// <summary>Input that breaks a rule of a field; answered with 400 and the field named.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, UserMessage[]> errors)
    : Exception("One or more fields are invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value.AsEnumerable())}")))
{
    public IReadOnlyDictionary<string, UserMessage[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string key, params object?[] args) =>
        new(new Dictionary<string, UserMessage[]> { [field] = [new UserMessage(key, args)] });
}

/// <summary>
/// A request that is well-formed but refused by a business rule in the current state; answered with 409. The code is
/// stable (clients may switch on it) and is also the resource key of the detail; <c>{code}.title</c> is its title.
/// </summary>
public class DomainRuleException(string code, params object?[] args) : Exception(new UserMessage(code, args).ToString())
{
    public string Code { get; } = code;
    public UserMessage Detail { get; } = new(code, args);
    public virtual IReadOnlyDictionary<string, object?> Extensions => new Dictionary<string, object?>();
}

/// <summary>Not there, or not for this caller's eyes (the two are not told apart); answered with 404.</summary>
public sealed class NotFoundException(string resource, object? id) : Exception($"{resource} '{id}' was not found.")
{
    /// <summary>The kind of thing, as a resource key suffix: <c>resource.{Resource}</c> names it in the caller's language.</summary>
    public string Resource { get; } = resource;
    public UserMessage Detail { get; } = new("not-found", new UserMessage("resource." + resource), id?.ToString());
}

/// <summary>Signed in, but this caller may not do this; answered with 403. The key says who may.</summary>
public sealed class ForbiddenException(string key, params object?[] args) : Exception(new UserMessage(key, args).ToString())
{
    public UserMessage Detail { get; } = new(key, args);
}

/// <summary>The caller's copy is stale (If-Match / expected version mismatch); answered with 412.</summary>
public sealed class ConcurrencyConflictException(string resource, Guid id)
    : Exception($"{resource} '{id}' was changed by someone else; reload it and try again.")
{
    public UserMessage Detail { get; } = new("concurrency-conflict", new UserMessage("resource." + ResourceKey(resource)));

    /// <summary>"SchoolPlan" (a stored type's name, as the stores give it) → "school-plan", the resource.* key suffix.</summary>
    private static string ResourceKey(string resource) =>
        string.Concat(resource.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));
}

/// <summary>A unique value (username, credit code) is already taken; answered with 409 naming the field.</summary>
public sealed class DuplicateException(string field, string key, params object?[] args) : Exception(new UserMessage(key, args).ToString())
{
    public string Field { get; } = field;
    public UserMessage Detail { get; } = new(key, args);
}

/// <summary>A lifecycle refused a move from the state the aggregate is in now; 409 with that state as <c>currentStatus</c>.</summary>
public sealed class TransitionRefusedException(string code, Enum current, Enum wanted) : DomainRuleException(code, current, wanted)
{
    public string CurrentStatus { get; } = current.ToString();

    public override IReadOnlyDictionary<string, object?> Extensions => new Dictionary<string, object?> { ["currentStatus"] = CurrentStatus };
}
