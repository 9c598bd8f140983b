using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Marketplace.E2E.Tests.Infrastructure;

/// <summary>axe-core (shipped inside Deque.AxeCore.Playwright, injected from the package, not downloaded) over a page.</summary>
public static class Axe
{
    /// <summary>Fails with the rules and elements when the page has serious or critical violations (WCAG 2 A/AA rules).</summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Take(5).Select(n => string.Join(" ", n.Target) + " " + n.Html))}")));
    }
}
