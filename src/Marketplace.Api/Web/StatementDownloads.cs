using Marketplace.Api.Auth;
using Marketplace.Api.Settlement;
using Marketplace.Core.Settlement;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Web;

/// <summary>
/// The web UI's statement downloads: GET /downloads/statements?month=yyyy-MM&amp;format=csv|xlsx with the sign-in cookie (the JSON
/// API's /api/statements takes bearer tokens only, and a download link cannot carry one). The same use case and export as the
/// API (<see cref="StatementQueries.GetAsync"/>, <see cref="StatementExport"/>): the caller's own statement, nobody else's.
/// </summary>
internal static class StatementDownloads
{
    public const string Path = "/downloads/statements";

    public static void Map(WebApplication app) =>
        app.MapGet(Path, DownloadAsync).RequireAuthorization().ExcludeFromDescription();

    /// <summary>The link a page offers for a month and a format.</summary>
    public static string Link(string month, string format) => $"{Path}?month={Uri.EscapeDataString(month)}&format={format}";

    private static async Task<IResult> DownloadAsync(string? month, string? format, HttpContext http, StatementQueries queries, StatementExport export, CancellationToken ct)
    {
        new Validator()
            .Require(month is not null, "month", new("validation.required"))
            .Require(format is "csv" or "xlsx", "format", new("validation.required"))
            .ThrowIfInvalid();
        var statement = await queries.GetAsync(http.User.RequireCaller(), month, null, ct);
        return format == "csv"
            ? TypedResults.File(await export.CsvAsync(statement, ct), "text/csv; charset=utf-8", $"statement-{statement.Month}.csv")
            : TypedResults.File(await export.XlsxAsync(statement, ct), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"statement-{statement.Month}.xlsx");
    }
}
