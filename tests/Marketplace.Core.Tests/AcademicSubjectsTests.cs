using Marketplace.Core.Catalog;

namespace Marketplace.Core.Tests;

public class AcademicSubjectsTests
{
    [Theory]
    [InlineData("小学数学思维拓展", "数学")]
    [InlineData("英语口语提高班", "英语")]
    [InlineData("奥数竞赛集训", "奥数")]
    [InlineData("作文写作营", "作文")]
    [InlineData("初中物理同步辅导", "物理")]
    [InlineData("历史课外辅导", "历史")]
    [InlineData("地理培训班", "地理")]
    [InlineData("數學思維提高班", "数学")]          // traditional characters
    [InlineData("英語口語角", "英语")]
    [InlineData("英文口语角", "英文")]
    [InlineData("语数外课后巩固", "语数外")]
    [InlineData("数 学思维", "数学")]               // spacing
    [InlineData("数\u200b学思维", "数学")]          // an invisible zero-width space
    [InlineData("数·学思维", "数学")]
    [InlineData("ＥＮＧＬＩＳＨ英语角", "英语")]      // full-width forms
    [InlineData("初二地理期末复习", "地理")]
    [InlineData("生物 复习营", "生物")]
    public void Academic_Titles_AreFound(string title, string word) => Assert.Equal(word, AcademicSubjects.FindIn(title));

    [Theory]
    [InlineData("青少年机器人编程科普课")]
    [InlineData("生物多样性自然观察")]
    [InlineData("历史文化街区研学")]
    [InlineData("足球")]
    [InlineData("整本书阅读：西游记")]
    [InlineData("生物多样性 自然观察")]
    [InlineData("歷史文化街區研學")]
    [InlineData(null)]
    public void NonAcademic_Titles_Pass(string? title) => Assert.Null(AcademicSubjects.FindIn(title));
}
