using System.Globalization;
using System.Text;

namespace Marketplace.Core.Catalog;

/// <summary>Pass: nothing found. Flag: words that may name 学科类 content, for the bureau to judge. Refuse: clear tutoring.</summary>
public enum ScreeningTier { Pass, Flag, Refuse }

/// <summary>
/// One word found: the field it was found in (<c>title</c>, <c>summary</c>, <c>description</c>, <c>tags</c>), the word as listed
/// (simplified, normalised) and the rule that listed it (<see cref="SubjectScreening.Rules"/>).
/// </summary>
public sealed record ScreeningMatch(string Field, string Word, string Rule);

/// <summary>The strictest tier found and every word found, refusing words first, each field's in text order.</summary>
public sealed record ScreeningResult(ScreeningTier Tier, IReadOnlyList<ScreeningMatch> Matches)
{
    public static ScreeningResult Passed { get; } = new(ScreeningTier.Pass, []);

    /// <summary>The first word of the strictest tier, or null when nothing was found.</summary>
    public ScreeningMatch? First => Matches.FirstOrDefault(m => SubjectScreening.TierOf(m.Rule) == Tier && Tier != ScreeningTier.Pass);
}

/// <summary>
/// 学科类培训 is forbidden for external providers in after-school services (双减), but a subject word is not proof of it
/// (DOMAIN: "学科类 screening is judgement, not string matching"). Three tiers:
/// <list type="bullet">
/// <item><b>Refuse</b> — clear tutoring: a core subject (语文, 数学, 英语 …), a tutoring word (奥数, 培优, 拼音, 口算 …), an ambiguous
/// subject (物理 化学 生物 历史 地理) framed as a course or exam (物理同步, 历史课, 地理期末, 化学竞赛) or after a school stage
/// (初中物理), and exam-prep words framed as a class (竞赛班, 竞赛冲刺).</item>
/// <item><b>Flag</b> — an ambiguous subject without such framing (趣味化学实验秀, 物理探究, 历史文化研学) and words that are ambiguous
/// alone (竞赛, 冲刺, 思维训练, 珠心算, 速算): the provider may submit with a justification and the bureau decides, seeing the words.</item>
/// <item><b>Pass</b> — nothing found. Listed compounds are not read as their parts (生物多样性, 历史文化街区, 机器人竞赛, 短跑冲刺).</item>
/// </list>
/// The text is normalised first, so that spacing, invisible characters, full-width forms and traditional characters (數學, 英語)
/// do not slip past. The lists live here, in code; a list the bureau maintains is a later step. The bureau still reviews every offering.
/// </summary>
public static class SubjectScreening
{
    /// <summary>The rule names a match carries; <see cref="TierOf"/> gives each one's tier.</summary>
    public static class Rules
    {
        public const string CoreSubject = "core-subject";
        public const string Tutoring = "tutoring";
        public const string SubjectCourse = "subject-course";
        public const string ExamClass = "exam-class";
        public const string AmbiguousSubject = "ambiguous-subject";
        public const string AmbiguousWord = "ambiguous-word";
    }

    private static readonly string[] CoreSubjects = ["语文", "数学", "英语", "英文", "外语", "日语", "俄语", "道德与法治", "语数外", "数理化"];

    private static readonly string[] TutoringWords =
    [
        "奥数", "奥赛", "培优", "补习", "补课", "提分", "刷题", "应试", "学科辅导", "同步辅导", "家教", "中考", "小升初", "作文",
        "拼音", "识字", "口算", "自然拼读", "新概念", "阅读理解", "学科竞赛",
    ];

    /// <summary>Subjects that also name legitimate 科普 and 研学 topics.</summary>
    private static readonly string[] AmbiguousSubjects = ["物理", "化学", "生物", "历史", "地理"];

    /// <summary>After an ambiguous subject: the text frames it as a course, tutoring or exam work.</summary>
    private static readonly string[] CourseMarkers =
    [
        "课", "班", "辅导", "培训", "提高", "同步", "复习", "预习", "期中", "期末", "考试", "习题", "练习", "竞赛", "冲刺", "考点", "知识点",
    ];

    /// <summary>Before an ambiguous subject: a school stage (初中物理, 高一化学) makes it the school subject.</summary>
    private static readonly string[] StageMarkers = ["小学", "初中", "高中", "中学", "初一", "初二", "初三", "高一", "高二", "高三"];

    /// <summary>Exam preparation when framed as a class (竞赛班) or together (竞赛冲刺); a sports race or a robot contest alone is not.</summary>
    private static readonly string[] ExamWords = ["竞赛", "冲刺"];

    private static readonly string[] AmbiguousWords = ["竞赛", "冲刺", "思维训练", "珠心算", "速算"];

    /// <summary>
    /// Compounds read as themselves, never as the listed words inside them (小学生 is a pupil: 小学生物理实验 holds no 生物, nor a
    /// school stage before 物理).
    /// </summary>
    private static readonly string[] Allowed = ["生物多样性", "历史文化街区", "机器人竞赛", "短跑冲刺", "小学生", "中学生"];

    /// <summary>Traditional forms of the characters the word lists use, each followed by its simplified form.</summary>
    private static readonly Dictionary<char, char> Simplified = "數数學学語语歷历與与奧奥補补優优題题應应試试輔辅導导訓训課课練练習习預预復复複复綜综識识讀读賽赛衝冲閱阅寫写屬属區区樣样氣气"
        .Chunk(2).ToDictionary(pair => pair[0], pair => pair[1]);

    private const string Separators = "·・.。,，、-_—*/\\|~'\"“”‘’()（）[]【】<>《》:：;；!！?？";

    /// <summary>Stands for an allowed compound, so nothing inside it matches and nothing across its ends does.</summary>
    private const char Blank = '\u25a1';

    public static ScreeningTier TierOf(string rule) => rule switch
    {
        Rules.CoreSubject or Rules.Tutoring or Rules.SubjectCourse or Rules.ExamClass => ScreeningTier.Refuse,
        Rules.AmbiguousSubject or Rules.AmbiguousWord => ScreeningTier.Flag,
        _ => ScreeningTier.Pass,
    };

    /// <summary>Screens each field's text; a null or blank text finds nothing.</summary>
    public static ScreeningResult Screen(IEnumerable<(string Field, string? Text)> fields)
    {
        var matches = new List<ScreeningMatch>();
        foreach (var (field, text) in fields)
            foreach (var (word, rule) in FindIn(text))
                if (!matches.Any(m => m.Field == field && m.Word == word)) matches.Add(new ScreeningMatch(field, word, rule));
        if (matches.Count == 0) return ScreeningResult.Passed;
        var ordered = matches.OrderByDescending(m => TierOf(m.Rule)).ToList(); // stable: each field's words keep their order
        return new ScreeningResult(TierOf(ordered[0].Rule), ordered);
    }

    /// <summary>One text: its tier and the first word of that tier (null for Pass).</summary>
    public static (ScreeningTier Tier, string? Word) Screen(string? text)
    {
        var result = Screen([("text", text)]);
        return (result.Tier, result.First?.Word);
    }

    /// <summary>The words found in one text, in the order they occur (ties: the refusing reading first).</summary>
    private static List<(string Word, string Rule)> FindIn(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var normalised = Normalise(text);
        foreach (var allowed in Allowed) normalised = normalised.Replace(allowed, new string(Blank, allowed.Length), StringComparison.Ordinal);

        var found = new List<(int At, int Strength, string Word, string Rule)>();
        void Find(IEnumerable<string> words, string rule, Func<string, int, bool>? when = null)
        {
            foreach (var word in words)
                for (var at = normalised.IndexOf(word, StringComparison.Ordinal); at >= 0; at = normalised.IndexOf(word, at + 1, StringComparison.Ordinal))
                    if (when is null || when(word, at)) found.Add((at, (int)TierOf(rule), word, rule));
        }
        bool FramedAsCourse(string word, int at) => CourseMarkers.Any(m => string.CompareOrdinal(normalised, at + word.Length, m, 0, m.Length) == 0);
        bool AfterStage(string word, int at) => StageMarkers.Any(m => at >= m.Length && string.CompareOrdinal(normalised, at - m.Length, m, 0, m.Length) == 0);

        Find(CoreSubjects, Rules.CoreSubject);
        Find(TutoringWords, Rules.Tutoring);
        Find(AmbiguousSubjects, Rules.SubjectCourse, (w, at) => FramedAsCourse(w, at) || AfterStage(w, at));
        Find(ExamWords, Rules.ExamClass, FramedAsCourse);
        Find(AmbiguousSubjects, Rules.AmbiguousSubject);
        Find(AmbiguousWords, Rules.AmbiguousWord);

        // Each word once, under its strictest reading (物理探究与物理课: refused for 物理课), at the place of that reading.
        return found.GroupBy(h => h.Word).Select(g => g.OrderByDescending(h => h.Strength).ThenBy(h => h.At).First())
            .OrderBy(h => h.At).ThenByDescending(h => h.Strength).Select(h => (h.Word, h.Rule)).ToList();
    }

    /// <summary>Full-width to half-width (NFKC), lower case, traditional to simplified, without spaces, invisible characters or separators.</summary>
    internal static string Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsWhiteSpace(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format || Separators.Contains(c)) continue;
            builder.Append(Simplified.TryGetValue(c, out var simple) ? simple : char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }
}
