using Marketplace.Core.Bookings;
using Marketplace.Core.Families.Allocation;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;

namespace Marketplace.Api.Seed;

/// <summary>
/// The demo's selection window (issue 18): school1 has a first-come window open for a week over two of its confirmed demo bookings
/// that do not overlap (five seats each, so its 20 guardians find it oversubscribed), so a newcomer signs in as <c>guardian1</c> and
/// applies at once.
/// </summary>
internal static class DemoSelection
{
    public const string TermsVersion = "2026-demo";

    public static void Add(StoreChanges changes, School school1, IReadOnlyList<Booking> confirmed, DateTimeOffset now)
    {
        var picked = new List<Booking>();
        foreach (var b in confirmed.Where(b => b.SchoolId == school1.Id && b.Snapshot is not null).OrderBy(b => b.SessionStartsAt))
        {
            var slot = new TimeSlot(b.SessionStartsAt, b.Snapshot!.SessionEndsAt);
            if (picked.Any(p => slot.Overlaps(new TimeSlot(p.SessionStartsAt, p.Snapshot!.SessionEndsAt)))) continue;
            picked.Add(b);
            if (picked.Count == 2) break;
        }
        if (picked.Count == 0) return;
        var programmes = picked.Select(b => new WindowProgramme(b.Id, null, [b.Id], b.OfferingId, b.ProviderId, b.Snapshot!.OfferingTitle, b.Snapshot.ProviderName,
            b.Snapshot.Mode, Math.Min(5, b.Pupils), [new TimeSlot(b.SessionStartsAt, b.Snapshot.SessionEndsAt)], b.Grades)).ToList();
        var window = SelectionWindow.Open(school1.Id, school1.DistrictCode, Semester.Of(now).Name, "本学期课后服务选课（演示）", now.AddHours(-1), now.AddDays(7),
            AllocationMode.FirstCome, 1, new Dictionary<string, int>(), [], TermsVersion, pledge: true, programmes, seed: null, now, "School:school1");
        changes.Insert(window);
        foreach (var p in programmes) changes.Insert(SelectionSeats.For(window.Id, p.ProgrammeId, p.Seats));
    }
}
