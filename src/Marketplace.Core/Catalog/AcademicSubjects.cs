namespace Marketplace.Core.Catalog;

/// <summary>
/// 学科类培训 is forbidden for external providers in after-school services (双减).
/// Core curriculum subjects in a title are refused outright; 历史/地理/生物 also name legitimate
/// 科普 and 研学 topics, so they are refused only when the title frames them as a course or tutoring.
/// </summary>
public static class AcademicSubjects
{
    private static readonly string[] Subjects = ["语文", "数学", "英语", "外语", "日语", "俄语", "物理", "化学", "道德与法治"];
    private static readonly string[] AmbiguousSubjects = ["历史", "地理", "生物"];
    private static readonly string[] CourseMarkers = ["课", "班", "辅导", "培训", "提高", "同步"];
    private static readonly string[] TutoringMarkers = ["奥数", "作文", "补习", "补课", "培优", "提分", "刷题", "应试", "学科辅导", "同步辅导", "家教", "中考", "小升初"];

    /// <summary>Returns the offending word, or null when the text reads as non-academic.</summary>
    public static string? FindIn(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var hit = Subjects.Concat(TutoringMarkers).FirstOrDefault(w => text.Contains(w, StringComparison.Ordinal));
        if (hit is not null) return hit;
        return AmbiguousSubjects.FirstOrDefault(s => CourseMarkers.Any(m => text.Contains(s + m, StringComparison.Ordinal)));
    }
}
