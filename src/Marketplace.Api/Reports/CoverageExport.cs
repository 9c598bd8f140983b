using System.Globalization;
using Marketplace.Api.Localization;
using Marketplace.Core.Reports;
using Marketplace.Core.Shared;
using MiniExcelLibs;

namespace Marketplace.Api.Reports;

/// <summary>
/// The coverage report as a spreadsheet (MiniExcel): one row per district (the total first) and figure — the metric's code, its
/// name in the caller's language, this semester, the previous one and the difference, exactly the JSON's <c>trend</c> values
/// (money in fen, shares as ratios). CSV is UTF-8 with a BOM so Excel reads the Chinese.
/// </summary>
public sealed class CoverageExport(MessageRenderer messages)
{
    /// <summary>The figures whose definitions the report carries (resource <c>report.def.{key}</c>), the dashboard's tooltips.</summary>
    public static readonly IReadOnlyList<string> DefinitionKeys =
        ["delivered", "category-share", "participation", "policy-share", "spending", "mode", "provider-kind", "cancellation-rate", "no-show-rate", "trend"];

    public byte[] Csv(CoverageReport r) => Write(r, ExcelType.CSV);

    public byte[] Xlsx(CoverageReport r) => Write(r, ExcelType.XLSX);

    private byte[] Write(CoverageReport r, ExcelType type)
    {
        string T(string key) => messages.Render(new UserMessage(key));
        var rows = new List<Dictionary<string, object?>>();
        foreach (var scope in new[] { r.Total }.Concat(r.ByDistrict))
        {
            var names = scope.Current.Providers.Concat(scope.Previous.Providers).GroupBy(p => p.ProviderId).ToDictionary(g => g.Key, g => g.First().Name);
            foreach (var t in scope.Trend)
                rows.Add(new()
                {
                    [T("report.col.district")] = scope.District, [T("report.col.metric")] = t.Metric, [T("report.col.name")] = Label(t.Metric, names),
                    [T("report.col.current")] = Number(t.Current), [T("report.col.previous")] = Number(t.Previous), [T("report.col.change")] = Number(t.Change),
                });
        }
        using var stream = new MemoryStream();
        if (type == ExcelType.CSV) stream.Write("\uFEFF"u8);
        stream.SaveAs(rows, excelType: type);
        return stream.ToArray();
    }

    /// <summary>"category.reading.share" → 阅读 · 覆盖率; a provider's rate → its name · the rate.</summary>
    private string Label(string metric, IReadOnlyDictionary<Guid, string> providers)
    {
        var parts = metric.Split('.');
        if (parts[0] == "provider" && Guid.TryParse(parts[1], out var id))
            return $"{providers.GetValueOrDefault(id, parts[1])} · {messages.Find($"report.metric.{parts[2]}") ?? parts[2]}";
        if (parts[0] == "provider-kind") return $"{messages.Find("report.metric.provider-kind")} · {messages.Find($"enum.ProviderKind.{parts[1]}") ?? parts[1]}";
        if (parts[0] == "category")
            return $"{messages.Find($"report.group.{parts[1]}") ?? parts[1]} · {messages.Find($"report.metric.{parts[2]}") ?? parts[2]}";
        return messages.Find($"report.metric.{metric}") ?? metric;
    }

    /// <summary>Invariant text, as the JSON writes the number (no thousands separators, a point).</summary>
    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
