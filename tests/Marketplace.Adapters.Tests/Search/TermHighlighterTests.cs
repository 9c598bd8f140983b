using System.Text;
using Lucene.Net.Index;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search;
using Marketplace.Core.Search;
using Marketplace.Search.Lucene;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// The adapter highlights from the segmentation stored with each document instead of re-analysing text with
/// Lucene's Highlighter. Lucene's Highlighter (QueryScorer, SimpleHTMLFormatter, NullFragmenter / SimpleFragmenter(80))
/// is the oracle: on many generated texts and term sets both must give the same fragments.
/// </summary>
public sealed class TermHighlighterTests
{
    private static readonly string[] Words =
    [
        "机器人", "编程", "足球", "篮球", "书法", "非遗", "非物质文化遗产", "剪纸", "课后服务", "青少年", "科普", "体验课", "训练营",
        "传统文化", "专业教师授课", "小班教学", "安全有序", "每次课后提供学习反馈", "Scratch", "STEM", "Robots", "3D打印", "ＡＩ",
    ];

    private static readonly string[] Joints = ["", "", "，", "、", "。", " ", "<b>", " & ", "“", "”", "/", "'", "\"", "（", "）", "\n"];

    [Fact]
    public void SameFragmentsAsLucenesHighlighter_OnGeneratedTexts()
    {
        using var analyzers = new OfferingAnalyzers(new SearchSynonyms(), new SearchWords());
        var random = new Random(20261129);
        var compared = 0;
        for (var round = 0; round < 400; round++)
        {
            var text = Text(random, random.Next(1, round % 5 == 0 ? 60 : 12));
            var analyzed = AnalyzedText.Analyze(analyzers.Index, LuceneFields.AllText, text);
            var candidates = analyzed.Words.Select(w => w.Term ?? text[w.Start..w.End]).Distinct().ToArray();
            var terms = candidates.Where(_ => random.Next(4) == 0).Append(Words[random.Next(Words.Length)]).ToHashSet();
            foreach (var (fragmentSize, count) in new (int?, int)[] { (null, 1), (80, 2), (20, 3) })
            {
                var ours = new TermHighlighter(terms).Fragments(text, analyzed.Words, fragmentSize, count);
                var lucenes = Oracle(analyzers, text, terms, fragmentSize, count);
                Assert.True(lucenes.SequenceEqual(ours),
                    $"text «{text}», terms [{string.Join(",", terms)}], size {fragmentSize}:\n  Lucene: {string.Join(" | ", lucenes)}\n  ours:   {string.Join(" | ", ours)}");
                compared++;
            }
        }
        Assert.Equal(1200, compared);
    }

    [Fact]
    public void Escapes_Markup_AndMarksEachMatchedToken()
    {
        using var analyzers = new OfferingAnalyzers(new SearchSynonyms(), new SearchWords());
        const string text = "青少年机器人编程<script>";
        var analyzed = AnalyzedText.Analyze(analyzers.Index, LuceneFields.Title, text);

        var fragment = Assert.Single(new TermHighlighter(["机器人", "编程"]).Fragments(text, analyzed.Words, null, 1));

        Assert.Equal("青少年<em>机器人</em><em>编程</em>&lt;script&gt;", fragment);
    }

    /// <summary>A synonym alternative of several terms is marked only where its terms stand together.</summary>
    [Fact]
    public void APhrase_IsMarkedOnlyWhole()
    {
        using var analyzers = new OfferingAnalyzers(new SearchSynonyms(), new SearchWords());
        const string text = "非遗文化传习中心开设非物质文化遗产课程";
        var words = AnalyzedText.Analyze(analyzers.Index, LuceneFields.AllText, text).Words;

        var marked = new TermHighlighter(["非遗"], [["非", "物质", "文化", "遗产"]]).Fragments(text, words, null, 1);

        Assert.Equal(["<em>非遗</em>文化传习中心开设<em>非</em><em>物质</em><em>文化</em><em>遗产</em>课程"], marked);
        Assert.Empty(new TermHighlighter([], [["非", "物质", "文化", "遗产"]]).Fragments("传统文化与物质文明", AnalyzedText.Analyze(analyzers.Index, LuceneFields.AllText, "传统文化与物质文明").Words, null, 1));
    }

    [Fact]
    public void StoredSegmentation_RoundTrips()
    {
        using var analyzers = new OfferingAnalyzers(new SearchSynonyms(), new SearchWords());
        var texts = new[] { "Scratch创意编程", "", "学习ＡＩ与Robots，体验3D打印。" }
            .Select(t => AnalyzedText.Analyze(analyzers.Index, LuceneFields.AllText, t).Words).ToArray();

        var packed = StoredSegmentation.Pack(texts);
        var unpacked = StoredSegmentation.Unpack(packed, 0, packed.Length, 3);

        for (var i = 0; i < texts.Length; i++) Assert.Equal(texts[i], unpacked[i]);
        Assert.Contains(unpacked[0], t => t.Term == "scratch"); // lower-cased: the term is kept because it differs from the text
    }

    private static List<string> Oracle(OfferingAnalyzers analyzers, string text, HashSet<string> terms, int? fragmentSize, int count)
    {
        const string field = LuceneFields.Description;
        var query = new BooleanQuery();
        foreach (var term in terms) query.Add(new TermQuery(new Term(field, term)), Occur.SHOULD);
        var highlighter = new Highlighter(new SimpleHTMLFormatter("<em>", "</em>"), new MarkupEncoder(), new QueryScorer(query, field))
        {
            TextFragmenter = fragmentSize is { } size ? new SimpleFragmenter(size) : new NullFragmenter(),
        };
        using var tokens = analyzers.Plain.GetTokenStream(field, text);
        return [.. highlighter.GetBestFragments(tokens, text, count).Where(f => f.Contains("<em>", StringComparison.Ordinal))];
    }

    private static string Text(Random random, int words)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++) text.Append(Words[random.Next(Words.Length)]).Append(Joints[random.Next(Joints.Length)]);
        return text.ToString();
    }

    /// <summary>Escapes markup characters only, as the adapter does (Lucene.Net 4.8's SimpleHTMLEncoder also escapes every non-ASCII character).</summary>
    private sealed class MarkupEncoder : IEncoder
    {
        public string EncodeText(string originalText) => originalText
            .Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#x27;", StringComparison.Ordinal).Replace("/", "&#x2F;", StringComparison.Ordinal);
    }
}
