using System.Text.Json;
using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Api.Localization;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Errors;

/// <summary>
/// The one place that turns domain exceptions into RFC 9457 problem details, in the request's language (one language per
/// response; see <see cref="LocalizationSetup"/>). Machine-readable parts never change with the language: <c>code</c>
/// (the rule, on 409s and on 403/404/412/422) and <c>codes</c> (per field, beside <c>errors</c> on 400s). Anything else is a 500.
/// </summary>
internal sealed class ProblemMapping(MarketplaceSettings settings, MessageRenderer messages) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails? details = exception switch
        {
            ValidationFailedException v => Invalid(400, "problem.validation", v.Errors),
            BadHttpRequestException b => Unreadable(http, b.StatusCode, b.InnerException as JsonException),
            NotFoundException n => Coded(http, 404, n.Detail),
            ForbiddenException f => Coded(http, 403, f.Detail),
            ConcurrencyConflictException c => Coded(http, 412, c.Detail),
            IdempotencyMismatchException m => Coded(http, 422, m.Detail),
            DuplicateException d => Invalid(409, "problem.duplicate", new Dictionary<string, UserMessage[]> { [d.Field] = [d.Detail] }),
            DomainRuleException r => Rule(r),
            _ => null,
        };
        if (details is null) return false;
        await Problems.WriteAsync(http, details, exception);
        return true;
    }

    /// <summary>A 409 for a business rule: a title and a problem type of its own, the rule's code, and its extensions.</summary>
    private ProblemDetails Rule(DomainRuleException rule)
    {
        var details = new ProblemDetails
        {
            Status = 409, Type = "https://marketplace.example/problems/" + rule.Code,
            Title = messages.Find(rule.Code + ".title") ?? messages.Render(new UserMessage("problem.rule")),
            Detail = messages.Render(rule.Detail),
        };
        details.Extensions["code"] = rule.Code;
        foreach (var (key, value) in rule.Extensions) details.Extensions[key] = value;
        return details;
    }

    private ProblemDetails Coded(HttpContext http, int status, UserMessage detail)
    {
        var details = new ProblemDetails { Status = status, Title = ProblemTitles.Of(http, status), Detail = messages.Render(detail) };
        details.Extensions["code"] = detail.Key;
        return details;
    }

    private HttpValidationProblemDetails Invalid(int status, string titleKey, IReadOnlyDictionary<string, UserMessage[]> errors)
    {
        var details = new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value.Select(messages.Render).ToArray()))
        {
            Status = status, Title = messages.Render(new UserMessage(titleKey)),
        };
        details.Extensions["codes"] = errors.ToDictionary(e => e.Key, e => e.Value.Select(m => m.Key).ToArray());
        return details;
    }

    /// <summary>
    /// A request the framework could not read. The framework's own text names internal types and parameters
    /// ("could not be converted to Marketplace.Core…", "Implicit body inferred for parameter…"), so the client gets the
    /// field and a message of ours instead; our converters' messages (<see cref="InvalidFieldException"/>) are shown.
    /// </summary>
    private ProblemDetails Unreadable(HttpContext http, int status, JsonException? json)
    {
        if (json is not null)
        {
            var message = json is InvalidFieldException invalid ? invalid.Detail : new UserMessage("json.malformed");
            return Invalid(400, "problem.unreadable", new Dictionary<string, UserMessage[]> { [FieldOf(json.Path)] = [message] });
        }
        return status switch
        {
            StatusCodes.Status413PayloadTooLarge => RequestLimits.TooLarge(http, RequestLimits.BodyLimit(http, settings.MaxRequestBodyBytes)),
            // Query parameters are read by QueryParameters and route values are constrained, so what is left is the body:
            // none, empty, or the literal null.
            StatusCodes.Status400BadRequest => Invalid(400, "problem.unreadable", new Dictionary<string, UserMessage[]> { ["body"] = [new("json.body-required")] }),
            >= 400 and < 500 => new ProblemDetails { Status = status, Title = ProblemTitles.Of(http, status) },
            _ => new ProblemDetails { Status = 400, Title = messages.Render(new UserMessage("problem.unreadable")) },
        };
    }

    /// <summary>"$.recurrence.from" → "recurrence.from": the field as the validation errors name it; the whole body is "body".</summary>
    private static string FieldOf(string? jsonPath) => jsonPath switch
    {
        null or "" or "$" => "body",
        _ when jsonPath.StartsWith("$.", StringComparison.Ordinal) => jsonPath[2..],
        _ when jsonPath.StartsWith('$') => jsonPath[1..],
        _ => jsonPath,
    };
}
