using Marketplace.Core.Matching;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>Matching (issue 16): the recommendation notices a school was sent, newest first (ix_school: version-7 ids follow the send time).</summary>
internal sealed partial class MongoMarketplaceStore
{
    internal static readonly BsonDocument NewestFirst = new("_id", -1);

    public Task<IReadOnlyList<RecommendationNotice>> ListRecommendationNoticesAsync(Guid schoolId, int limit, CancellationToken ct = default) =>
        FindAsync<RecommendationNotice>(NoticesFilterOf(schoolId), NewestFirst, limit, ct);

    internal static BsonDocument NoticesFilterOf(Guid schoolId) => new("schoolId", StoredDocuments.Key(schoolId));
}
