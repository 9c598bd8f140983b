using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Feed;

/// <summary>The caller's own change feed: what a client that was offline missed, in cursor order.</summary>
public sealed class ChangeFeedQueries(IOutboxFeed feed)
{
    public const int PageSize = 200;

    public Task<IReadOnlyList<OutboxMessage>> ReadAsync(Caller caller, long? after, CancellationToken ct = default)
    {
        if (after is < 0) throw ValidationFailedException.For("after", "feed.negative-cursor");
        return feed.ReadEventsAsync(after ?? 0, caller.Audiences, PageSize, ct);
    }
}
