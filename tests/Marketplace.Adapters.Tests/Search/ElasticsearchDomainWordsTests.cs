using Marketplace.Core.Search;
using Marketplace.Search.Elasticsearch;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>How the Elasticsearch adapter finds listed domain words in a query text (they become bigram phrases).</summary>
public sealed class ElasticsearchDomainWordsTests
{
    private static readonly EsDomainWords Words = new(
        new SearchWords { Words = ["非遗", "葫芦丝", "葫芦", "乐高", " ", "x"] },
        new SearchSynonyms { Groups = [["非遗", "非物质文化遗产"], ["编程", "程序设计"], ["乐高", "LEGO"]] });

    [Theory]
    [InlineData("非遗剪纸", " 剪纸", "非遗|非物质文化遗产")]
    [InlineData("葫芦丝入门", " 入门", "葫芦丝")]                         // the longest word at a position
    [InlineData("非遗 非遗传承", "   传承", "非遗|非物质文化遗产")]          // found twice, one phrase
    [InlineData("lego 拼搭", "  拼搭", "乐高|LEGO")]                     // any spelling of the group, any case
    [InlineData("程序设计", "程序设计", "")]                             // a group without a listed word: left to smartcn and synonyms
    [InlineData("", "", "")]
    public void Split_TakesListedWordsAndTheirSynonymsOut_OfTheAnalysedText(string text, string remainder, string phrases)
    {
        var (rest, found) = Words.Split(text);

        Assert.Equal(remainder, rest);
        Assert.Equal(phrases, string.Join(";", found.Select(p => string.Join("|", p))));
    }

    [Fact]
    public void Split_WithoutWords_LeavesTheTextAlone()
    {
        var (rest, found) = new EsDomainWords(new SearchWords { Words = [] }, new SearchSynonyms()).Split("非遗剪纸");

        Assert.Equal("非遗剪纸", rest);
        Assert.Empty(found);
    }
}
