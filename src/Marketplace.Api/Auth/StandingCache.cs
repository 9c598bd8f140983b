using System.Collections.Concurrent;
using Marketplace.Core.Identity;

namespace Marketplace.Api.Auth;

/// <summary>
/// Each user's <see cref="AccountStanding"/>, read from the store at most once per <see cref="Lifetime"/> per instance (by
/// the injected <see cref="TimeProvider"/>). The use cases that change it on this instance drop it at once (<see cref="Forget"/>);
/// another instance sees the change within <see cref="Lifetime"/>. A sign-in puts the standing it just read.
/// </summary>
public sealed class StandingCache(UserQueries users, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Guid, (AccountStanding Standing, DateTimeOffset ReadAt)> _entries = new();

    public async ValueTask<AccountStanding> GetAsync(Guid userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(userId, out var entry) && now - entry.ReadAt < Lifetime) return entry.Standing;
        var standing = await users.StandingAsync(userId, ct);
        _entries[userId] = (standing, now);
        return standing;
    }

    public void Remember(User user) => _entries[user.Id] = (AccountStanding.Of(user), clock.GetUtcNow());

    public void Forget(Guid userId) => _entries.TryRemove(userId, out _);

    public void Forget(IEnumerable<Guid> userIds)
    {
        foreach (var id in userIds) Forget(id);
    }
}
