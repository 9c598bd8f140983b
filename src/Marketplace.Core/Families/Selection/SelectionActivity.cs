using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;

namespace Marketplace.Core.Families.Selection;

/// <summary>
/// 尚无课后活动 (<see cref="SelectionFlags.NoActivity"/>): a pupil has no after-school activity yet for a window when, in the window's
/// semester, it holds no placement in any other selection window of the same school (a live application with a seat: first come from
/// submission, a lottery from its draw) and no roll call marks it present. Asked of the store once for all the pupils of a window.
/// </summary>
public static class SelectionActivity
{
    /// <summary>The pupils among <paramref name="pupilIds"/> with no activity yet for <paramref name="window"/>.</summary>
    public static async Task<IReadOnlySet<Guid>> WithoutActivityAsync(IMarketplaceStore store, SelectionWindow window, IReadOnlyCollection<Guid> pupilIds,
        CancellationToken ct)
    {
        if (pupilIds.Count == 0) return new HashSet<Guid>();
        var semester = Semester.TryParse(window.Semester, out var s) ? s : Semester.Of(window.OpensAt);
        var active = await store.FindPupilsWithActivityAsync(
            new PupilActivityFilter(window.SchoolId, window.Semester, window.Id, [.. pupilIds.Distinct()], semester.Start, semester.End), ct);
        return pupilIds.Except(active).ToHashSet();
    }
}
