using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using MongoDB.Bson;
using MongoDB.Driver;
using BookingAggregate = Marketplace.Core.Bookings.Booking;

namespace Marketplace.Storage.Mongo;

/// <summary>The school roster: a bureau's schools by district, schools by 学校标识码, users by name.</summary>
internal sealed partial class MongoMarketplaceStore
{
    /// <summary>"No booking since": the schools booked in those districts since then (a distinct of their schoolId), then <c>$nin</c>;
    /// the named queries have no join, and the booked schools of a district are at most its schools.</summary>
    public async Task<IReadOnlyList<School>> ListSchoolsAsync(SchoolFilter filter, CancellationToken ct = default)
    {
        IReadOnlyCollection<string>? booked = null;
        if (filter.NoBookingSince is { } since)
        {
            using var cursor = await Collection<BookingAggregate>().DistinctAsync<string>("schoolId", ListQuery.BookedSchools(filter, since), cancellationToken: ct);
            booked = await cursor.ToListAsync(ct);
        }
        return await FindAsync<School>(ListQuery.Schools(filter, booked), ListQuery.ById, filter.Limit, ct);
    }

    public Task<IReadOnlyList<School>> FindSchoolsByCodeAsync(IReadOnlyCollection<string> schoolCodes, CancellationToken ct = default) =>
        schoolCodes.Count == 0 ? Task.FromResult<IReadOnlyList<School>>([])
            : FindAsync<School>(new BsonDocument("schoolCode", new BsonDocument("$in", new BsonArray(schoolCodes))), null, null, ct);

    public Task<IReadOnlyList<User>> FindUsersAsync(IReadOnlyCollection<string> usernames, CancellationToken ct = default) =>
        usernames.Count == 0 ? Task.FromResult<IReadOnlyList<User>>([])
            : FindAsync<User>(new BsonDocument("username", new BsonDocument("$in", new BsonArray(usernames.Select(User.NormalizeUsername).Distinct()))), null, null, ct);
}
