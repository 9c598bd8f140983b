using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Errors;

/// <summary>The one place that turns domain exceptions into RFC 9457 problem details. Anything else is a 500.</summary>
internal sealed class ProblemMapping(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails? details = exception switch
        {
            ValidationFailedException v => new HttpValidationProblemDetails(v.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = 400, Title = "请求参数有误 / One or more fields are invalid.",
            },
            BadHttpRequestException { InnerException: System.Text.Json.JsonException { Path: { Length: > 2 } path } json } =>
                new HttpValidationProblemDetails(new Dictionary<string, string[]> { [FieldOf(path)] = [json.Message] })
                {
                    Status = 400, Title = "请求格式有误 / The request could not be read.",
                },
            BadHttpRequestException b => new ProblemDetails { Status = 400, Title = "请求格式有误 / The request could not be read.", Detail = b.Message },
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
        http.Response.StatusCode = details.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = exception });
    }

    /// <summary>"$.recurrence.from" → "recurrence.from": the field as the validation errors name it.</summary>
    private static string FieldOf(string jsonPath) => jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;

    private static ProblemDetails WithExtensions(ProblemDetails details, DomainRuleException rule)
    {
        details.Extensions["code"] = rule.Code;
        foreach (var (key, value) in rule.Extensions) details.Extensions[key] = value;
        return details;
    }
}
