namespace Marketplace.Core.Shared;

/// <summary>
/// Runs a load → decide → commit attempt again when the store reports that the document changed in between (optimistic
/// version conflict). Each attempt reloads, so a caller that lost a race is answered for the state it finds (409 "already
/// Cancelled"); the conflict itself (412) is only for a client that named the version it read (If-Match).
/// </summary>
public static class ConcurrentChange
{
    /// <summary>Every conflict means another change committed; after this many in a row the caller is told to try again.</summary>
    public const int MaxAttempts = 10;

    public static async Task<T> RetryAsync<T>(Func<Task<T>> attempt)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (ConcurrencyConflictException) when (n < MaxAttempts)
            {
                // Someone else committed first: reload and decide again, after a short random pause so that writers that
                // keep colliding (saves of one plan, a session cancelled while it is being booked) spread out.
                await Task.Delay(Random.Shared.Next(1 << Math.Min(n, 5)));
            }
            catch (ConcurrencyConflictException)
            {
                throw new DomainRuleException("concurrent-change");
            }
        }
    }
}
