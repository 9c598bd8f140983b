using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Marketplace.Api.Tests.Localization;

/// <summary>
/// The two resource files say the same things: the same keys, each with the same {n} placeholders; and no message a client
/// reads is written into the code as a "中文 / English" literal any more (they are resource keys, rendered per request).
/// </summary>
public sealed partial class MessageCatalogTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Marketplace.sln")) && !Directory.Exists(Path.Combine(dir.FullName, "src", "Marketplace.Api")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Root, "src", "Marketplace.Api", "Localization", file)).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [GeneratedRegex(@"\{\d+[^}]*\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void ChineseAndEnglish_HaveTheSameKeys_AndPlaceholders()
    {
        var zh = Read("Messages.resx");
        var en = Read("Messages.en.resx");
        Assert.Equal(zh.Keys.Order(StringComparer.Ordinal), en.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, text) in zh)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), key);
            Assert.False(string.IsNullOrWhiteSpace(en[key]), key);
            Assert.True(Placeholders(text).SequenceEqual(Placeholders(en[key])), $"{key}: '{text}' and '{en[key]}' use different placeholders");
        }
    }

    private static IEnumerable<string> Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal);

    [GeneratedRegex(@"""[^""\n]*\p{IsCJKUnifiedIdeographs}[^""\n]*/ [A-Za-z][^""\n]*""")]
    private static partial Regex BilingualLiteral();

    /// <summary>
    /// Documentation strings (OpenAPI summaries and parameter descriptions) may stay bilingual: they are one document for
    /// developers, not an answer to a request. Everything else that pairs Chinese with English in one literal is a message
    /// that escaped the resources.
    /// </summary>
    [Fact]
    public void NoClientMessage_IsABilingualLiteralInTheCode()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(Root, f), Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && BilingualLiteral().IsMatch(l.Text))
            .Where(l => !IsDocumentation(l.File, l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}")
            .ToList();
        Assert.True(offenders.Count == 0, "bilingual message literals:\n" + string.Join("\n", offenders));
    }

    private static bool IsDocumentation(string file, string line) =>
        line.Contains(".WithSummary(", StringComparison.Ordinal) || line.Contains(".WithDescription(", StringComparison.Ordinal)
        || line.Contains("QueryParameter.", StringComparison.Ordinal) || line.StartsWith(".WithSummary(", StringComparison.Ordinal)
        || line.StartsWith('"') || line.StartsWith("$\"", StringComparison.Ordinal) // a continued summary or description line
        || file.EndsWith("OpenApiSetup.cs", StringComparison.Ordinal) || file.EndsWith("OpenApiProblems.cs", StringComparison.Ordinal) || file.Contains("Seed", StringComparison.Ordinal);
}
