using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Persistence;

/// <summary>The table / collection name of each aggregate type, shared by every store adapter.</summary>
public static class DocumentKinds
{
    private static readonly Dictionary<Type, string> Names = new()
    {
        [typeof(User)] = "users",
        [typeof(Bureau)] = "bureaus",
        [typeof(Provider)] = "providers",
        [typeof(Offering)] = "offerings",
        [typeof(Session)] = "sessions",
        [typeof(School)] = "schools",
        [typeof(SchoolPlan)] = "school_plans",
        [typeof(Booking)] = "bookings",
        [typeof(BookingSeries)] = "booking_series",
        [typeof(WaitlistEntry)] = "waitlist",
        [typeof(AuditEntry)] = "audit",
        [typeof(Settlement.FundingPolicy)] = "funding_policies",
        [typeof(Settlement.LedgerTransaction)] = "ledger",
        [typeof(Settlement.Payment)] = "payments",
        [typeof(Settlement.PayablePosition)] = "payable_positions",
        [typeof(Matching.RecommendationNotice)] = "recommendation_notices",
        [typeof(Families.Pupil)] = "pupils",
        [typeof(Families.PupilAssignment)] = "pupil_assignments",
        [typeof(Families.RollCall.Roll)] = "roll_calls",
        [typeof(Families.Selection.SelectionWindow)] = "selection_windows",
        [typeof(Families.Selection.SelectionApplication)] = "selection_applications",
        [typeof(Families.Selection.SelectionSeats)] = "selection_seats",
        [typeof(Families.Selection.SelectionDraw)] = "selection_draws",
        [typeof(Families.Selection.PlacementGuard)] = "placement_guards",
        [typeof(Families.Billing.FamilyBill)] = "family_bills",
    };

    public static IEnumerable<(Type Type, string Name)> All => Names.Select(n => (n.Key, n.Value));

    public static string Of(Type type) =>
        Names.TryGetValue(type, out var name) ? name : throw new InvalidOperationException($"{type.Name} is not a stored aggregate.");

    public static string Of<T>() => Of(typeof(T));
}
