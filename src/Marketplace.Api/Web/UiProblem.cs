using Marketplace.Api.Localization;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Web;

/// <summary>
/// A use case's refusal as a page shows it: the same messages the API's problem details carry (<see cref="Errors.ProblemMapping"/>),
/// rendered in the circuit's language, with field errors by the field names the validators use ("title", "recurrence.from").
/// </summary>
public sealed record UiProblem(string Title, string? Detail, string? Code, IReadOnlyDictionary<string, string[]> Errors)
{
    private static readonly IReadOnlyDictionary<string, string[]> None = new Dictionary<string, string[]>();

    /// <summary>The messages for one field, or null.</summary>
    public string? For(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public bool Has(string field) => Errors.ContainsKey(field);

    /// <summary>The problem for the exceptions the API maps to 4xx; false for anything else (a defect, left to the error boundary).</summary>
    public static bool TryFrom(Exception exception, MessageRenderer messages, out UiProblem problem)
    {
        string Status(int code) => messages.Find($"status.{code}") ?? code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        UiProblem? found = exception switch
        {
            ValidationFailedException v => new(messages.Render(new UserMessage("problem.validation")), null, null,
                v.Errors.ToDictionary(e => e.Key, e => e.Value.Select(messages.Render).ToArray())),
            NotFoundException n => new(Status(404), messages.Render(n.Detail), n.Detail.Key, None),
            ForbiddenException f => new(Status(403), messages.Render(f.Detail), f.Detail.Key, None),
            ConcurrencyConflictException c => new(Status(412), messages.Render(c.Detail), c.Detail.Key, None),
            IdempotencyMismatchException m => new(Status(422), messages.Render(m.Detail), m.Detail.Key, None),
            DuplicateException d => new(messages.Render(new UserMessage("problem.duplicate")), null, null,
                new Dictionary<string, string[]> { [d.Field] = [messages.Render(d.Detail)] }),
            DomainRuleException r => new(messages.Find(r.Code + ".title") ?? messages.Render(new UserMessage("problem.rule")),
                messages.Render(r.Detail), r.Code, None),
            _ => null,
        };
        problem = found!;
        return found is not null;
    }
}
