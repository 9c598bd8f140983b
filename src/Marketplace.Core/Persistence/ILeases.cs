namespace Marketplace.Core.Persistence;

/// <summary>
/// Port: named leases kept in the store, so that of several instances sharing it exactly one does a job at a time —
/// rebuilding the shared search index, projecting the outbox into it. A lease runs out on its own: an instance that dies
/// holding one blocks the job only until then, and its holder must renew it while it works.
/// </summary>
public interface ILeases
{
    /// <summary>
    /// Compare-and-set: gives <paramref name="holder"/> the lease until <paramref name="now"/> + <paramref name="duration"/>
    /// when nobody holds it, when its holder let it run out (its end is at or before <paramref name="now"/>), or when
    /// <paramref name="holder"/> holds it already (a renewal). True when <paramref name="holder"/> holds it afterwards;
    /// of several instances asking at once, exactly one does.
    /// </summary>
    Task<bool> TryAcquireAsync(string name, string holder, DateTimeOffset now, TimeSpan duration, CancellationToken ct = default);

    /// <summary>Gives the lease up if <paramref name="holder"/> still holds it (otherwise does nothing), so the next
    /// instance need not wait for it to run out.</summary>
    Task ReleaseAsync(string name, string holder, CancellationToken ct = default);
}
