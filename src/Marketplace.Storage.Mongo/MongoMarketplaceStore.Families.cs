using Marketplace.Core.Families;
using Marketplace.Core.Families.Billing;
using Marketplace.Core.Families.Selection;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Marketplace.Storage.Mongo;

/// <summary>Families (issue 18): pupils by school, guardian, roster key and last roster; guardians by phone; the bureau's counts.</summary>
internal sealed partial class MongoMarketplaceStore
{
    public Task<IReadOnlyList<Pupil>> ListPupilsAsync(PupilFilter filter, CancellationToken ct = default) =>
        FindAsync<Pupil>(FamilyQuery.Pupils(filter), ListQuery.ById, filter.Limit, ct);

    public Task<IReadOnlyList<Pupil>> FindPupilsByRosterKeyAsync(IReadOnlyCollection<string> rosterKeys, CancellationToken ct = default) =>
        rosterKeys.Count == 0 ? Task.FromResult<IReadOnlyList<Pupil>>([])
            : FindAsync<Pupil>(new BsonDocument("rosterKey", new BsonDocument("$in", new BsonArray(rosterKeys.Distinct()))), null, null, ct);

    public Task<IReadOnlyList<User>> FindUsersByPhoneAsync(IReadOnlyCollection<string> phones, CancellationToken ct = default) =>
        phones.Count == 0 ? Task.FromResult<IReadOnlyList<User>>([])
            : FindAsync<User>(new BsonDocument("phone", new BsonDocument("$in", new BsonArray(phones.Distinct()))), null, null, ct);

    public async Task<IReadOnlyList<PupilCount>> CountPupilsAsync(IReadOnlyCollection<string> districts, CancellationToken ct = default)
    {
        var rows = await Collection<Pupil>().Aggregate<BsonDocument>(FamilyQuery.Counts(districts), cancellationToken: ct).ToListAsync(ct);
        return rows.Select(r =>
        {
            var key = r["_id"].AsBsonDocument;
            return new PupilCount(Guid.Parse(key["school"].AsString), key["district"].AsString, r["pupils"].ToInt32(), r["consented"].ToInt32());
        }).ToList();
    }

    public Task<IReadOnlyList<SelectionWindow>> ListSelectionWindowsAsync(IReadOnlyCollection<Guid> schoolIds, int limit, CancellationToken ct = default) =>
        schoolIds.Count == 0 ? Task.FromResult<IReadOnlyList<SelectionWindow>>([])
            : FindAsync<SelectionWindow>(FamilyQuery.SelectionWindows(schoolIds), FamilyQuery.NewestFirst, limit, ct);

    public Task<IReadOnlyList<SelectionApplication>> ListSelectionApplicationsAsync(SelectionApplicationFilter filter, CancellationToken ct = default) =>
        FindAsync<SelectionApplication>(FamilyQuery.SelectionApplications(filter), ListQuery.ById, filter.Limit, ct);

    public Task<IReadOnlyList<FamilyBill>> ListFamilyBillsAsync(FamilyBillFilter filter, CancellationToken ct = default) =>
        FindAsync<FamilyBill>(FamilyQuery.FamilyBills(filter), ListQuery.ById, filter.Limit, ct);

    public async Task<IReadOnlyList<FamilyBillTotal>> SumFamilyBillsAsync(FamilyBillFilter filter, CancellationToken ct = default)
    {
        var rows = await Collection<FamilyBill>().Aggregate<BsonDocument>(FamilyQuery.FamilyBillSums(filter), cancellationToken: ct).ToListAsync(ct);
        return rows.Select(r =>
        {
            var key = r["_id"].AsBsonDocument;
            return new FamilyBillTotal(Guid.Parse(key["school"].AsString), key["district"].AsString, r["bills"].ToInt64(), r["billed"].ToInt64(),
                r["waived"].ToInt64(), r["credited"].ToInt64(), r["paid"].ToInt64(), r["refunded"].ToInt64(), r["outstanding"].ToInt64(),
                r["refundDue"].ToInt64(), r["owedBills"].ToInt64(), r["refundDueBills"].ToInt64());
        }).ToList();
    }

    public async Task<int> CountSelectionWaitingAheadAsync(Guid windowId, Guid programmeId, DateTimeOffset submittedAt, Guid pupilId,
        IReadOnlyCollection<int>? grades, CancellationToken ct = default) =>
        (int)await _database.GetCollection<BsonDocument>(SelectionQueue.Collection).CountDocumentsAsync(
            SelectionQueue.Ahead(windowId, programmeId, submittedAt, pupilId, grades), cancellationToken: ct);
}
