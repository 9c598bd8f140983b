using Marketplace.Core.Matching;

namespace Marketplace.Storage.Sqlite;

/// <summary>Matching (issue 16): the recommendation notices a school was sent, newest first (ix_notices_school).</summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<RecommendationNotice>> ListRecommendationNoticesAsync(Guid schoolId, int limit, CancellationToken ct = default) =>
        Task.FromResult(QueryDocs<RecommendationNotice>(
            "SELECT doc FROM recommendation_notices WHERE json_extract(doc, '$.schoolId') = $school ORDER BY id DESC LIMIT $limit",
            [("$school", Key(schoolId)), ("$limit", limit)]));
}
