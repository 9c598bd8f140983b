using Marketplace.Api.Localization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Marketplace.Api.Errors;

/// <summary>
/// Titles, in the request's language (resources <c>status.{code}</c>), for the problems the framework answers by status
/// alone (status code pages: 401 from the bearer challenge, 404 and 405 from routing, 415 from body binding …), which
/// otherwise carry the English reason phrase.
/// </summary>
internal static class ProblemTitles
{
    public static string Of(HttpContext http, int status) =>
        http.RequestServices.GetRequiredService<MessageRenderer>().Find($"status.{status}") ?? ReasonPhrases.GetReasonPhrase(status);

    /// <summary>Status code pages: a 4xx or 5xx that has no body of its own gets a problem with the title.</summary>
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        return Problems.WriteAsync(http, new ProblemDetails { Status = status, Title = Of(http, status) });
    }

    /// <summary>An unhandled exception's 500 gets the title too (never the exception's text).</summary>
    public static void Apply(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status == 500) context.ProblemDetails.Title = Of(context.HttpContext, 500);
    }
}
