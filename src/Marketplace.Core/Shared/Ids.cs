namespace Marketplace.Core.Shared;

public static class Ids
{
    /// <summary>Time-ordered ids keep indexes append-mostly in both stores.</summary>
    public static Guid New() => Guid.CreateVersion7();
}
