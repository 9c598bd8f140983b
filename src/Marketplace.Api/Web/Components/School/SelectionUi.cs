using Marketplace.Core.Families.Selection;

namespace Marketplace.Api.Web.Components.School;

/// <summary>Tag colours of the selection pages (the classes of <see cref="StatusTag"/>).</summary>
public static class SelectionUi
{
    public static string PhaseKind(WindowPhase phase) => phase switch
    {
        WindowPhase.Open => "confirmed",
        WindowPhase.Scheduled => "info",
        WindowPhase.Closed => "requested",
        _ => "ended",
    };

    public static string StatusKind(ApplicationStatus status) => status switch
    {
        ApplicationStatus.Submitted or ApplicationStatus.ClassApproved => "requested",
        ApplicationStatus.SchoolApproved => "confirmed",
        ApplicationStatus.Rejected => "warning",
        _ => "ended",
    };
}
