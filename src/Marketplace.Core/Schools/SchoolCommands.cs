using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Schools;

public sealed record SchoolPlanInput(IReadOnlyList<Category>? TargetCategories, IReadOnlyList<PlanWindow>? Windows, IReadOnlyDictionary<Category, int>? PupilsExpected, long? BudgetFen);

/// <summary>The school's 一校一案 plans: only the school itself edits them.</summary>
public sealed class SchoolCommands(IMarketplaceStore store, SchoolQueries queries, TimeProvider clock)
{
    /// <summary>Afternoon windows in a week: a school with two a day, every day, has 14.</summary>
    public const int MaxWindows = 50;
    private static readonly int Categories = Enum.GetValues<Category>().Length;

    public async Task<SchoolPlan> SavePlanAsync(Caller caller, Guid schoolId, string semester, SchoolPlanInput input, CancellationToken ct = default)
    {
        var school = await queries.GetAsync(caller, schoolId, ct);
        if (caller.OrganizationId != school.Id) throw new ForbiddenException("forbidden.school-plan");
        var v = new Validator()
            // [0-9] and \z: \d takes any script's digits and $ takes a trailing "\n" (a second plan for "2026-2027-1%0A").
            .Require(System.Text.RegularExpressions.Regex.IsMatch(semester, @"^20[0-9]{2}-20[0-9]{2}-[12]\z"), "semester", new("school.semester-format"))
            .Require(input.BudgetFen is >= 0 and <= 10_000_000_000, "budgetFen", new("school.budget-fen"));
        if (v.Count(input.TargetCategories, "targetCategories", Categories))
            v.Require(input.TargetCategories is { Count: > 0 } c && c.Distinct().Count() == c.Count, "targetCategories", new("school.target-categories"));
        if (v.Count(input.Windows, "windows", MaxWindows))
            v.Require(input.Windows is not null && input.Windows.All(w => w is not null && w.Start < w.End), "windows", new("school.windows"));
        if (v.Count(input.PupilsExpected, "pupilsExpected", Categories))
            v.Require(input.PupilsExpected is null || input.PupilsExpected.Values.All(n => n is >= 0 and <= 10_000), "pupilsExpected", new("validation.range", 0, 10_000));
        v.ThrowIfInvalid();
        // A save without If-Match: the last one wins, and one that raced another is written over the plan it finds.
        return await ConcurrentChange.RetryAsync(async () =>
        {
            var existing = await store.FindSchoolPlanAsync(schoolId, semester, ct);
            var plan = existing ?? SchoolPlan.Create(schoolId, semester);
            var expected = plan.Version;
            plan.Set(input.TargetCategories!, input.Windows ?? [], input.PupilsExpected ?? new Dictionary<Category, int>(), input.BudgetFen!.Value, clock.GetUtcNow());
            try
            {
                await store.CommitAsync(existing is null ? new StoreChanges().Insert(plan) : new StoreChanges().Update(plan, expected), ct);
            }
            catch (DuplicateException) when (existing is null)
            {
                throw new ConcurrencyConflictException("school-plan", plan.Id); // a parallel first save created it: update that one
            }
            return plan;
        });
    }
}
