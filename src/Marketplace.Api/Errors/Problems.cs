using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Errors;

internal static class Problems
{
    /// <summary>
    /// Writes the problem through the problem-details service (traceId, the shared JSON options) and, when the client's
    /// Accept header rules that writer out (Accept: text/plain), as application/problem+json anyway: an error answer
    /// without a body, or a 500 because no writer would take it, tells the client less.
    /// </summary>
    public static async Task WriteAsync(HttpContext http, ProblemDetails problem, Exception? exception = null)
    {
        http.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        // Request localization set it, but the exception handler clears the headers of a failed response.
        http.Response.Headers.ContentLanguage = System.Globalization.CultureInfo.CurrentUICulture.Name;
        var service = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception }))
        {
            problem.Extensions["traceId"] = http.TraceIdentifier;
            await TypedResults.Problem(problem).ExecuteAsync(http);
        }
    }
}
