using System.Text.Json;
using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Errors;

/// <summary>The one place that turns domain exceptions into RFC 9457 problem details. Anything else is a 500.</summary>
internal sealed class ProblemMapping(MarketplaceSettings settings) : IExceptionHandler
{
    private const string ReadTitle = "请求格式有误 / The request could not be read.";

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails? details = exception switch
        {
            ValidationFailedException v => new HttpValidationProblemDetails(v.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = 400, Title = "请求参数有误 / One or more fields are invalid.",
            },
            BadHttpRequestException b => Unreadable(b.StatusCode, b.InnerException as JsonException),
            NotFoundException n => new ProblemDetails { Status = 404, Title = "未找到 / Not found.", Detail = n.Message },
            ForbiddenException f => new ProblemDetails { Status = 403, Title = "无权操作 / Forbidden.", Detail = f.Message },
            ConcurrencyConflictException c => new ProblemDetails { Status = 412, Title = "数据已被他人修改 / Precondition failed.", Detail = c.Message },
            IdempotencyMismatchException m => new ProblemDetails
            {
                Status = 422, Title = "Idempotency-Key 冲突 / Idempotency-Key reused with a different request.", Detail = m.Message,
            },
            DuplicateException d => new HttpValidationProblemDetails(new Dictionary<string, string[]> { [d.Field] = [d.Message] })
            {
                Status = 409, Title = "已存在 / Already exists.",
            },
            DomainRuleException r => WithExtensions(new ProblemDetails { Status = 409, Title = "当前状态不允许此操作 / Refused by a business rule.", Detail = r.Message, Type = "https://marketplace.example/problems/" + r.Code }, r),
            _ => null,
        };
        if (details is null) return false;
        await Problems.WriteAsync(http, details, exception);
        return true;
    }

    /// <summary>
    /// A request the framework could not read. The framework's own text names internal types and parameters
    /// ("could not be converted to Marketplace.Core…", "Implicit body inferred for parameter…"), so the client gets the
    /// field and a message of ours instead; our converters' messages (<see cref="InvalidFieldException"/>) are shown.
    /// </summary>
    private ProblemDetails Unreadable(int status, JsonException? json)
    {
        if (json is not null)
        {
            var message = json is InvalidFieldException ? json.Message : "类型或 JSON 格式有误 / wrong type or malformed JSON.";
            return new HttpValidationProblemDetails(new Dictionary<string, string[]> { [FieldOf(json.Path)] = [message] }) { Status = 400, Title = ReadTitle };
        }
        return status switch
        {
            StatusCodes.Status413PayloadTooLarge => RequestLimits.TooLarge(settings.MaxRequestBodyBytes),
            StatusCodes.Status415UnsupportedMediaType => new ProblemDetails { Status = status, Title = ProblemTitles.Of(status) },
            // Query parameters are read by QueryParameters and route values are constrained, so what is left is the body:
            // none, empty, or the literal null.
            StatusCodes.Status400BadRequest => new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { ["body"] = ["请求体必填，须为 JSON 对象 / a JSON object body is required."] }) { Status = 400, Title = ReadTitle },
            >= 400 and < 500 => new ProblemDetails { Status = status, Title = ProblemTitles.Of(status) },
            _ => new ProblemDetails { Status = 400, Title = ReadTitle },
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

    private static ProblemDetails WithExtensions(ProblemDetails details, DomainRuleException rule)
    {
        details.Extensions["code"] = rule.Code;
        foreach (var (key, value) in rule.Extensions) details.Extensions[key] = value;
        return details;
    }
}
