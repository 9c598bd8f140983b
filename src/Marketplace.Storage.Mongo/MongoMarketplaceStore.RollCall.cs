using Marketplace.Core.Families.RollCall;
using Marketplace.Core.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>Roll calls (issue 18): a pupil's rolls (multikey on marks.pupilId), distinct present pupils per school.</summary>
internal sealed partial class MongoMarketplaceStore
{
    public Task<IReadOnlyList<Roll>> ListRollsOfPupilAsync(Guid pupilId, int limit, CancellationToken ct = default) =>
        FindAsync<Roll>(RollCallQuery.OfPupil(pupilId), RollCallQuery.LatestSessionFirst, limit, ct);

    public async Task<IReadOnlyList<PresentPupilCount>> CountPresentPupilsAsync(IReadOnlyCollection<string> districts, DateTimeOffset from,
        DateTimeOffset before, CancellationToken ct = default)
    {
        var rows = await Collection<Roll>().Aggregate<BsonDocument>(RollCallQuery.PresentPupils(districts, from, before), cancellationToken: ct).ToListAsync(ct);
        return rows.Select(r =>
        {
            var key = r["_id"].AsBsonDocument;
            return new PresentPupilCount(Guid.Parse(key["school"].AsString), key["district"].AsString, r["pupils"].ToInt64());
        }).ToList();
    }
}
