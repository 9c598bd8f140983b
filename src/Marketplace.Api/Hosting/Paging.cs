using System.Globalization;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Keyset paging of list endpoints, as GET /api/bookings does it: <c>limit</c> per page (default 100, at most 500), the
/// store asked for one more than the page so the last page is known without counting, and the next page in a
/// <c>Link: &lt;…&gt;; rel="next"</c> header that keeps the request's filters and moves the cursor to the page's last item.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static QueryParameter Limit { get; } = QueryParameter.Number("limit", 1, MaxLimit,
        $"每页条数，默认 {DefaultLimit}，最多 {MaxLimit} / page size, default {DefaultLimit}, at most {MaxLimit}.");

    public static int SizeOf(ParsedQuery query) => (int)(query.Number("limit") ?? DefaultLimit);

    /// <summary>The page as it is; when the store found more, the Link to the next page (same filters and limit, cursor moved).</summary>
    public static IReadOnlyList<T> Page<T>(HttpContext http, IReadOnlyList<T> page, bool more, string cursorName, Func<T, Guid> cursorOf)
    {
        if (more && page.Count > 0)
        {
            var next = QueryString.Create([
                .. http.Request.Query.Where(q => !q.Key.Equals(cursorName, StringComparison.OrdinalIgnoreCase) && !q.Key.Equals("limit", StringComparison.OrdinalIgnoreCase))
                    .SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v))),
                KeyValuePair.Create("limit", (string?)page.Count.ToString(CultureInfo.InvariantCulture)),
                KeyValuePair.Create(cursorName, (string?)cursorOf(page[^1]).ToString()),
            ]);
            http.Response.Headers.Link = $"<{http.Request.PathBase}{http.Request.Path}{next}>; rel=\"next\"";
        }
        return page;
    }
}
