using System.Globalization;
using System.Text;

namespace Marketplace.Core.Catalog;

/// <summary>
/// 学科类培训 is forbidden for external providers in after-school services (双减).
/// Core curriculum subjects in a title are refused outright; 历史/地理/生物 also name legitimate
/// 科普 and 研学 topics, so they are refused only when the title frames them as a course, tutoring or exam work.
/// The text is normalised first, so that spacing, invisible characters, full-width forms and traditional characters
/// (數學, 英語) do not slip past. A first line of defence: the bureau still reviews every offering.
/// </summary>
public static class AcademicSubjects
{
    private static readonly string[] Subjects = ["语文", "数学", "英语", "英文", "外语", "日语", "俄语", "物理", "化学", "道德与法治", "语数外", "数理化"];
    private static readonly string[] AmbiguousSubjects = ["历史", "地理", "生物"];
    private static readonly string[] CourseMarkers = ["课", "班", "辅导", "培训", "提高", "同步", "复习", "预习", "期中", "期末", "考试", "习题", "练习"];
    private static readonly string[] TutoringMarkers = ["奥数", "作文", "补习", "补课", "培优", "提分", "刷题", "应试", "学科辅导", "同步辅导", "家教", "中考", "小升初"];

    /// <summary>Traditional forms of the characters the word lists use, each followed by its simplified form.</summary>
    private static readonly Dictionary<char, char> Simplified = "數数學学語语歷历與与奧奥補补優优題题應应試试輔辅導导訓训課课練练習习預预復复複复綜综"
        .Chunk(2).ToDictionary(pair => pair[0], pair => pair[1]);

    private const string Separators = "·・.。,，、-_—*/\\|~'\"“”‘’()（）[]【】<>《》";

    /// <summary>Returns the offending word, or null when the text reads as non-academic.</summary>
    public static string? FindIn(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var normalised = Normalise(text);
        var hit = Subjects.Concat(TutoringMarkers).FirstOrDefault(w => normalised.Contains(w, StringComparison.Ordinal));
        if (hit is not null) return hit;
        return AmbiguousSubjects.FirstOrDefault(s => CourseMarkers.Any(m => normalised.Contains(s + m, StringComparison.Ordinal)));
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
