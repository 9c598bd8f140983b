using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.RateLimiting;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Declares on every operation the 4xx answers it can give, each as <c>application/problem+json</c> with its shape
/// (HttpValidationProblemDetails for 400, ProblemDetails otherwise), from what the endpoint is: its input, whether it
/// needs a token, its path ids, whether it changes state, its rate limit. Answers only some operations give (412, 422,
/// 428) are declared where they are mapped. Runs after the framework has described the endpoints, before OpenAPI reads them.
/// </summary>
internal sealed class OpenApiProblems : IApiDescriptionProvider
{
    private static readonly Dictionary<int, string> Descriptions = new()
    {
        [400] = "请求有误，errors 按字段列出 / Bad input: `errors` names each field.",
        [401] = "未登录或令牌无效 / No valid bearer token.",
        [403] = "角色或机构无权此操作 / The caller's role or organisation may not do this.",
        [404] = "不存在或对调用方不可见 / Not found, or not visible to the caller.",
        [409] = "业务规则拒绝，code 说明哪条规则 / Refused by a business rule; `code` names it.",
        [412] = "If-Match 的版本已不是当前版本 / The If-Match version is no longer the current one.",
        [413] = "请求体过大 / The body is too large.",
        [415] = "请求体须为 JSON / The body must be JSON (Content-Type: application/json).",
        [422] = "同一 Idempotency-Key 用于不同请求 / The Idempotency-Key was used for a different request.",
        [428] = "须提供 If-Match（课程的 ETag）/ If-Match with the offering's ETag is required.",
        [429] = "请求过多，稍后重试（见 Retry-After）/ Too many requests; retry after Retry-After seconds.",
    };

    public int Order => 0; // after EndpointMetadataApiDescriptionProvider (-1100), which describes minimal API endpoints

    public void OnProvidersExecuting(ApiDescriptionProviderContext context) { }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        foreach (var description in context.Results) Declare(description);
    }

    private static void Declare(ApiDescription d)
    {
        var metadata = d.ActionDescriptor.EndpointMetadata;
        var parameters = d.ParameterDescriptions;
        var reads = d.HttpMethod is "GET" or "HEAD";
        var signedIn = !metadata.OfType<IAllowAnonymous>().Any();
        var body = parameters.Any(p => p.Source == BindingSource.Body);
        // A read by GUID ids alone has nothing to be malformed (a malformed id is 404); a list or search has its query string.
        var onlyIds = parameters.Count > 0 && parameters.All(p => p.Source == BindingSource.Path && p.Type == typeof(Guid))
            && !metadata.OfType<QueryParameters>().Any();

        if (!(reads && onlyIds)) Add(d, 400, typeof(HttpValidationProblemDetails));
        if (signedIn) Add(d, 401);
        if (signedIn) Add(d, 403);
        if (parameters.Any(p => p.Source == BindingSource.Path)) Add(d, 404);
        if (signedIn && !reads) Add(d, 409); // a business rule, or a change that kept losing to others (concurrent-change)
        if (body) Add(d, 413);
        if (body) Add(d, 415);
        if (metadata.OfType<EnableRateLimitingAttribute>().Any()) Add(d, 429);
        foreach (var response in d.SupportedResponseTypes.Where(r => r.StatusCode >= 400))
            response.Description ??= Descriptions.GetValueOrDefault(response.StatusCode);
        var ordered = d.SupportedResponseTypes.OrderBy(r => r.StatusCode).ToList();
        d.SupportedResponseTypes.Clear();
        ordered.ForEach(d.SupportedResponseTypes.Add);
    }

    private static void Add(ApiDescription d, int status, Type? shape = null)
    {
        if (d.SupportedResponseTypes.Any(r => r.StatusCode == status)) return; // declared where the endpoint is mapped
        d.SupportedResponseTypes.Add(new ApiResponseType
        {
            StatusCode = status, Type = shape ?? typeof(ProblemDetails), Description = Descriptions[status],
            ApiResponseFormats = [new ApiResponseFormat { MediaType = "application/problem+json" }],
        });
    }
}
