using System.Net;
using System.Text;
using Marketplace.Core.Bookings;
using Microsoft.AspNetCore.Components;

namespace Marketplace.Api.Web.Components.School;

/// <summary>Small rendering helpers the school pages share.</summary>
public static class SchoolUi
{
    /// <summary>
    /// A search highlight as markup: only &lt;em&gt; and &lt;/em&gt; pass; everything else is text (decoded once, then encoded,
    /// so the index's own escaping is not doubled and nothing else can become markup).
    /// </summary>
    public static MarkupString Highlight(string fragment)
    {
        var html = new StringBuilder();
        var parts = fragment.Split("<em>");
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i > 0)
            {
                var close = part.IndexOf("</em>", StringComparison.Ordinal);
                var marked = close < 0 ? part : part[..close];
                html.Append("<em>").Append(Encode(marked)).Append("</em>");
                part = close < 0 ? "" : part[(close + 5)..];
            }
            html.Append(Encode(part.Replace("</em>", "", StringComparison.Ordinal)));
        }
        return new MarkupString(html.ToString());
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(WebUtility.HtmlDecode(text));

    /// <summary>Grades as a short range: 3–6年级 / Grades 3–6, or a list when not contiguous.</summary>
    public static string Grades(IReadOnlyList<int> grades, Func<string, object?[], string> t)
    {
        if (grades.Count == 0) return "";
        var sorted = grades.Order().ToArray();
        var contiguous = sorted[^1] - sorted[0] == sorted.Length - 1;
        var text = contiguous && sorted.Length > 1 ? $"{sorted[0]}–{sorted[^1]}" : string.Join("、", sorted);
        return t("ui.school.grades", [text]);
    }

    /// <summary>Tag colour class for a booking status (dark enough for WCAG AA on the light tag backgrounds).</summary>
    public static string StatusClass(BookingStatus status) => status switch
    {
        BookingStatus.Requested => "requested",
        BookingStatus.Confirmed or BookingStatus.Completed => "confirmed",
        _ => "ended",
    };
}
