namespace Marketplace.Core.Shared;

/// <summary>Input that breaks a rule of a field; answered with 400 and the field named.</summary>
public sealed class ValidationFailedException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("One or more fields are invalid: " + string.Join(", ", errors.Keys))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    public static ValidationFailedException For(string field, string message) =>
        new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>A request that is well-formed but refused by a business rule in the current state; answered with 409.</summary>
public class DomainRuleException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
    public virtual IReadOnlyDictionary<string, object?> Extensions => new Dictionary<string, object?>();
}

public sealed class NotFoundException(string resource, object id) : Exception($"{resource} '{id}' was not found.")
{
    public string Resource { get; } = resource;
}

public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>The caller's copy is stale (If-Match / expected version mismatch); answered with 412.</summary>
public sealed class ConcurrencyConflictException(string resource, Guid id)
    : Exception($"{resource} '{id}' was changed by someone else; reload it and try again.");

/// <summary>A unique value (username, credit code) is already taken; answered with 409.</summary>
public sealed class DuplicateException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>A lifecycle refused a move from the state the aggregate is in now; 409 with that state as <c>currentStatus</c>.</summary>
public sealed class TransitionRefusedException(string code, string zh, string en, string current, string wanted)
    : DomainRuleException(code, $"{zh}当前为 {current}，不能变为 {wanted} / {en} that is {current} cannot become {wanted}.")
{
    public string CurrentStatus { get; } = current;

    public override IReadOnlyDictionary<string, object?> Extensions => new Dictionary<string, object?> { ["currentStatus"] = CurrentStatus };
}
