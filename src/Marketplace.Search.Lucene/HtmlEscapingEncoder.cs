using System.Text;
using Lucene.Net.Search.Highlight;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Escapes markup characters only, as Lucene 10's SimpleHTMLEncoder (and so Elasticsearch's <c>encoder: html</c>)
/// does. Lucene.Net 4.8's SimpleHTMLEncoder also turns every non-ASCII character into an entity (足 → &amp;#36275;).
/// </summary>
internal sealed class HtmlEscapingEncoder : IEncoder
{
    public string EncodeText(string originalText)
    {
        var result = new StringBuilder(originalText.Length);
        foreach (var ch in originalText)
        {
            result.Append(ch switch
            {
                '"' => "&quot;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\'' => "&#x27;",
                '/' => "&#x2F;",
                _ => null,
            } ?? ch.ToString());
        }
        return result.ToString();
    }
}
