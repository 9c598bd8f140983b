using Marketplace.Core.Catalog;

namespace Marketplace.Core.Tests.Catalog;

/// <summary>
/// Phrases a provider might write, with the outcome the screening must give (DOMAIN: "学科类 screening is judgement, not string
/// matching") and the word it names (refused or first flagged; null for Pass). Clear tutoring is refused; science or culture
/// uses of a subject word are flagged for the bureau; ordinary programmes pass.
/// </summary>
public static class ScreeningPhrases
{
    public static TheoryData<string, ScreeningTier, string?> All { get; } = new()
    {
        // Refuse: core subjects, in any spelling
        { "小学数学思维训练", ScreeningTier.Refuse, "数学" },
        { "小学数学思维拓展", ScreeningTier.Refuse, "数学" },
        { "英语口语", ScreeningTier.Refuse, "英语" },
        { "英语口语提高班", ScreeningTier.Refuse, "英语" },
        { "英語口語角", ScreeningTier.Refuse, "英语" },                 // traditional characters
        { "數學思維", ScreeningTier.Refuse, "数学" },
        { "數學思維提高班", ScreeningTier.Refuse, "数学" },
        { "英文口语角", ScreeningTier.Refuse, "英文" },
        { "语数外课后巩固", ScreeningTier.Refuse, "语数外" },
        { "数 学思维", ScreeningTier.Refuse, "数学" },                  // spacing
        { "数\u200b学思维", ScreeningTier.Refuse, "数学" },             // an invisible zero-width space
        { "数·学思维", ScreeningTier.Refuse, "数学" },
        { "ＥＮＧＬＩＳＨ英语角", ScreeningTier.Refuse, "英语" },         // full-width forms
        { "道德与法治课堂", ScreeningTier.Refuse, "道德与法治" },
        // Refuse: tutoring and exam words
        { "拼音识字", ScreeningTier.Refuse, "拼音" },
        { "一年级口算天天练", ScreeningTier.Refuse, "口算" },
        { "奥数竞赛集训", ScreeningTier.Refuse, "奥数" },
        { "奥赛培优营", ScreeningTier.Refuse, "奥赛" },
        { "作文写作营", ScreeningTier.Refuse, "作文" },
        { "自然拼读启蒙", ScreeningTier.Refuse, "自然拼读" },
        { "新概念精讲", ScreeningTier.Refuse, "新概念" },
        { "阅读理解专项", ScreeningTier.Refuse, "阅读理解" },
        { "小升初衔接", ScreeningTier.Refuse, "小升初" },
        { "竞赛冲刺班", ScreeningTier.Refuse, "竞赛" },
        { "冲刺班", ScreeningTier.Refuse, "冲刺" },
        // Refuse: an ambiguous subject framed as a course, an exam or a school stage's subject
        { "物理同步辅导", ScreeningTier.Refuse, "物理" },
        { "初中物理同步辅导", ScreeningTier.Refuse, "物理" },
        { "初中物理实验", ScreeningTier.Refuse, "物理" },
        { "历史课外辅导", ScreeningTier.Refuse, "历史" },
        { "地理培训班", ScreeningTier.Refuse, "地理" },
        { "初二地理期末复习", ScreeningTier.Refuse, "地理" },
        { "生物 复习营", ScreeningTier.Refuse, "生物" },
        { "化学竞赛", ScreeningTier.Refuse, "化学" },
        { "物理探究与物理课", ScreeningTier.Refuse, "物理" },           // the stricter reading of a word counts
        // Flag: subject words in 科普 or 研学, and words ambiguous alone
        { "趣味化学实验秀", ScreeningTier.Flag, "化学" },
        { "物理探究（科普）", ScreeningTier.Flag, "物理" },
        { "历史文化研学", ScreeningTier.Flag, "历史" },
        { "小学生物理启蒙实验", ScreeningTier.Flag, "物理" },           // 小学生 is a pupil, not 小学 + 生物
        { "地理探秘：城市里的河流", ScreeningTier.Flag, "地理" },
        { "青少年思维训练营", ScreeningTier.Flag, "思维训练" },
        { "珠心算兴趣班", ScreeningTier.Flag, "珠心算" },
        { "速算游戏", ScreeningTier.Flag, "速算" },
        { "校园足球竞赛", ScreeningTier.Flag, "竞赛" },
        // Pass: the allowed compounds and ordinary programmes
        { "机器人竞赛", ScreeningTier.Pass, null },
        { "机器人竞赛班", ScreeningTier.Pass, null },
        { "生物多样性自然观察", ScreeningTier.Pass, null },
        { "生物多样性 自然观察", ScreeningTier.Pass, null },
        { "历史文化街区研学", ScreeningTier.Pass, null },
        { "歷史文化街區研學", ScreeningTier.Pass, null },
        { "短跑冲刺训练", ScreeningTier.Pass, null },
        { "足球", ScreeningTier.Pass, null },
        { "非遗剪纸", ScreeningTier.Pass, null },
        { "青少年机器人编程科普课", ScreeningTier.Pass, null },
        { "整本书阅读：西游记", ScreeningTier.Pass, null },
        { "小学生科学实验", ScreeningTier.Pass, null },
    };
}
