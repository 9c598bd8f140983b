using Lucene.Net.Analysis.Cn.Smart;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis;
using Lucene.Net.Util;
using Marketplace.Core.Search;
using Marketplace.Search.Lucene;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// The segmenter keeps the domain words of <see cref="SearchWords"/> whole where SmartCn splits them, and leaves
/// everything else as SmartCn segments it.
/// </summary>
public sealed class LexiconChineseTokenizerTests : IDisposable
{
    private readonly ChineseTextAnalyzer _analyzer = new(new Lexicon(SearchWords.Default), null);
    private readonly SmartChineseAnalyzer _smartCn = new(LuceneVersion.LUCENE_48);

    [Theory]
    [InlineData("非遗传承人", "非遗 传承 人")]             // SmartCn: 非 遗传 承 人 — 非遗 could not be found
    [InlineData("非遗竹编手作", "非遗 竹编 手 作")]         // SmartCn: 非 遗 竹编 …
    [InlineData("小小讲解员研学社", "小小 讲解员 研学 社")]   // SmartCn: … 研 学社
    [InlineData("农耕研学实践", "农耕 研学 实践")]
    [InlineData("乐高机器人与STEM创客空间", "乐高 机器人 与 stem 创客 空间")]
    public void DomainWords_AreKeptWhole(string text, string expected) =>
        Assert.Equal(expected, string.Join(' ', Tokens(_analyzer, text)));

    [Theory]
    [InlineData("快乐高效的课堂")]   // holds 乐高, but 快乐 + 高效 are SmartCn's words: neither end of 乐高 falls between them
    [InlineData("是非遗留问题")]     // holds 非遗 across 是非 + 遗留
    [InlineData("非常适合参观遗址")]
    [InlineData("专业教练带队的足球基础训练，每周两次。")]
    public void TextWhereNoDomainWordFits_IsSegmentedAsSmartCnDoes(string text) =>
        Assert.Equal(Tokens(_smartCn, text), Tokens(_analyzer, text));

    [Fact]
    public void Offsets_PointAtTheirCharacters_AndTheTokenizerIsReusable()
    {
        foreach (var text in new[] { "体验非遗，走进研学基地", "乐高", "非遗传承人带领学生体验竹编。研学旅行！", "" })
        {
            using var stream = _analyzer.GetTokenStream("f", text);
            var term = stream.AddAttribute<ICharTermAttribute>();
            var offset = stream.AddAttribute<IOffsetAttribute>();
            stream.Reset();
            var end = 0;
            while (stream.IncrementToken())
            {
                Assert.Equal(term.ToString(), text[offset.StartOffset..offset.EndOffset].ToLowerInvariant());
                Assert.True(offset.StartOffset >= end, "tokens come in text order without overlap");
                end = offset.EndOffset;
            }
            stream.End();
            Assert.Equal(text.Length, offset.EndOffset);
        }
    }

    [Fact]
    public void Words_MatchIgnoringCase_AndAnEmptyLexiconIsPlainSmartCn()
    {
        using var custom = new ChineseTextAnalyzer(new Lexicon(["DIY营", "龙泉青瓷"]), null);
        Assert.Equal("diy营 体验 龙泉青瓷", string.Join(' ', Tokens(custom, "diy营体验龙泉青瓷")));
        using var none = new ChineseTextAnalyzer(new Lexicon([]), null);
        Assert.Equal(Tokens(_smartCn, "非遗传承人"), Tokens(none, "非遗传承人"));
    }

    [Fact]
    public void TextsWithoutDomainWords_AreSegmentedExactlyAsSmartCnDoes()
    {
        var random = new Random(1129);
        string[] pieces = ["青少年", "科技馆", "足球", "训练", "，", "非常", "遗址", "是非", "遗留", "快乐", "高效", "学社", "研究", "创意", "客人", "STEM", " ", "3D打印", "。", "课后服务"];
        for (var round = 0; round < 300; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 15)).Select(_ => pieces[random.Next(pieces.Length)]));
            if (SearchWords.Default.Any(text.Contains)) continue;
            Assert.Equal(Tokens(_smartCn, text), Tokens(_analyzer, text));
        }
    }

    private static List<string> Tokens(Analyzer analyzer, string text)
    {
        var tokens = new List<string>();
        using var stream = analyzer.GetTokenStream("f", text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken()) tokens.Add(term.ToString());
        stream.End();
        return tokens;
    }

    public void Dispose()
    {
        _analyzer.Dispose();
        _smartCn.Dispose();
    }
}
