using Marketplace.Core.Families.Selection;

namespace Marketplace.Api.Web.Components.Guardian;

/// <summary>What the guardian's pages share: how an application's status and a window's phase look, the routes between them.</summary>
internal static class GuardianUi
{
    /// <summary>The tag's look (School/StatusTag kinds): waiting for a review, approved, stopped.</summary>
    public static string Kind(ApplicationStatus status) => status switch
    {
        ApplicationStatus.Submitted or ApplicationStatus.ClassApproved => "requested",
        ApplicationStatus.SchoolApproved => "confirmed",
        ApplicationStatus.Rejected => "warning",
        _ => "ended",
    };

    public static string Kind(WindowPhase phase) => phase switch
    {
        WindowPhase.Open => "confirmed",
        WindowPhase.Scheduled => "info",
        _ => "ended",
    };

    public static string ChooseHref(Guid windowId, Guid pupilId) => $"/guardian/windows/{windowId}/children/{pupilId}";

    public static string AttendanceHref(Guid pupilId) => $"/guardian/children/{pupilId}/attendance";

    /// <summary>The child's bills (Guardian/Bills.razor, the family fee and its payments).</summary>
    public static string BillsHref(Guid pupilId) => $"/guardian/children/{pupilId}/bills";
}
