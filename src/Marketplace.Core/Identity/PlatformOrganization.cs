namespace Marketplace.Core.Identity;

/// <summary>The platform's operator: administrators belong to this organisation, which has no stored document.</summary>
public static class PlatformOrganization
{
    public static readonly Guid Id = new("0197f000-0000-7000-8000-000000000001");
}
