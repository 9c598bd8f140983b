using Marketplace.Core.Catalog;

namespace Marketplace.Core.Tests.Catalog;

public class SubjectScreeningTests
{
    [Theory]
    [MemberData(nameof(ScreeningPhrases.All), MemberType = typeof(ScreeningPhrases))]
    public void Phrase_GetsItsOutcome(string phrase, ScreeningTier tier, string? word) =>
        Assert.Equal((tier, word), SubjectScreening.Screen(phrase));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void NoText_Passes(string? text) => Assert.Equal((ScreeningTier.Pass, (string?)null), SubjectScreening.Screen(text));

    [Fact]
    public void EveryField_IsScreened_AndTheStrictestTierWins_RefusingWordsFirst()
    {
        var result = SubjectScreening.Screen([("title", "趣味化学实验秀"), ("summary", "含口算小游戏"), ("tags", "科普"), ("tags", "思维训练")]);
        Assert.Equal(ScreeningTier.Refuse, result.Tier);
        Assert.Equal(
            [new ScreeningMatch("summary", "口算", SubjectScreening.Rules.Tutoring), new ScreeningMatch("title", "化学", SubjectScreening.Rules.AmbiguousSubject),
             new ScreeningMatch("tags", "思维训练", SubjectScreening.Rules.AmbiguousWord)],
            result.Matches);
        Assert.Equal("口算", result.First!.Word);
    }

    [Fact]
    public void AFlaggedOffering_ListsEachWordOncePerField()
    {
        var result = SubjectScreening.Screen([("title", "化学实验秀"), ("description", "化学反应与化学之美；历史上的化学家")]);
        Assert.Equal(ScreeningTier.Flag, result.Tier);
        Assert.Equal(["title:化学", "description:化学", "description:历史"], result.Matches.Select(m => $"{m.Field}:{m.Word}"));
    }

    [Fact]
    public void TheRefusedWord_IsNamedInTheFieldItWasFoundIn()
    {
        var input = new Marketplace.Core.Catalog.Offerings.OfferingInput("足球训练营", "含英语口语", null, Category.Sports, DeliveryMode.OnCampus, [3],
            5, 20, 60, 100, null, ["110105"], ["趣味", "拼音"], null);
        var e = Assert.Throws<Marketplace.Core.Shared.ValidationFailedException>(() => input.Validate(new HashSet<string> { "110105" }));
        Assert.Equal(["summary", "tags"], e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("英语", e.Errors["summary"][0].Args[0]);
        Assert.Equal("拼音", e.Errors["tags"][0].Args[0]);
    }
}
