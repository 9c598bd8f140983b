using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Marketplace.Api.Errors;

/// <summary>
/// Bilingual titles for the problems the framework answers by status alone (status code pages: 401 from the bearer
/// challenge, 404 and 405 from routing, 415 from body binding …), which otherwise carry the English reason phrase.
/// </summary>
internal static class ProblemTitles
{
    private static readonly Dictionary<int, string> Titles = new()
    {
        [400] = "请求格式有误 / Bad request.",
        [401] = "未登录或凭据无效 / Unauthorized: sign in with a valid bearer token.",
        [403] = "无权操作 / Forbidden.",
        [404] = "未找到 / Not found.",
        [405] = "不支持此方法 / Method not allowed.",
        [406] = "无法提供所需格式 / Not acceptable.",
        [408] = "请求超时 / Request timeout.",
        [409] = "冲突 / Conflict.",
        [411] = "须提供 Content-Length / Length required.",
        [413] = "请求体过大 / The request body is too large.",
        [414] = "请求地址过长 / The request URI is too long.",
        [415] = "请求体须为 JSON（Content-Type: application/json）/ Unsupported media type: send JSON.",
        [431] = "请求头过大 / Request header fields too large.",
        [500] = "服务器内部错误 / An error occurred while processing your request.",
    };

    public static string Of(int status) => Titles.TryGetValue(status, out var title) ? title : ReasonPhrases.GetReasonPhrase(status);

    /// <summary>Status code pages: a 4xx or 5xx that has no body of its own gets a problem with the bilingual title.</summary>
    public static Task WriteAsync(StatusCodeContext context)
    {
        var status = context.HttpContext.Response.StatusCode;
        return Problems.WriteAsync(context.HttpContext, new ProblemDetails { Status = status, Title = Of(status) });
    }

    /// <summary>An unhandled exception's 500 gets the bilingual title too (never the exception's text).</summary>
    public static void Apply(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status == 500) context.ProblemDetails.Title = Of(500);
    }
}
