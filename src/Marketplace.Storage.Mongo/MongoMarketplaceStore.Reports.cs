using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Schools;
using Marketplace.Core.Shared;
using MongoDB.Bson;
using MongoDB.Driver;
using BookingAggregate = Marketplace.Core.Bookings.Booking;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// Reports (issue 16): a whole semester's tally reads the groups the commits keep (<see cref="ReportRows"/>), the overdue Confirmed
/// bookings of a running semester counted apart; any other span is grouped by the server over the bookings (<see cref="ReportQuery"/>).
/// </summary>
internal sealed partial class MongoMarketplaceStore
{
    /// <summary>The marker, in <see cref="MongoSchema.Meta"/>, that the report's rows were filled from the bookings stored before them.</summary>
    internal static readonly BsonDocument ReportFilledMarker = new("_id", "booking-report-filled");

    public async Task<IReadOnlyList<BookingTally>> TallyBookingsAsync(BookingTallyFilter filter, CancellationToken ct = default)
    {
        var semester = Semester.Of(filter.StartsFrom);
        if (filter.StartsFrom == semester.Start && filter.StartsBefore == semester.End) return await SemesterTallyAsync(filter, semester, ct);
        var rows = await Collection<BookingAggregate>().Aggregate<BsonDocument>(ReportQuery.Tally(filter), cancellationToken: ct).ToListAsync(ct);
        return rows.Select(r =>
        {
            var key = r["_id"].AsBsonDocument;
            string? Text(string name) => key.TryGetValue(name, out var v) && v.IsString ? v.AsString : null;
            return new BookingTally(Text("district")!, Guid.Parse(Text("school")!), Guid.Parse(Text("provider")!),
                Text("category") is { } c ? EnumText<Category>.Parse(c) : null, Text("mode") is { } m ? EnumText<DeliveryMode>.Parse(m) : null,
                EnumText<BookingStatus>.Parse(Text("status")!), Text("delivery") is { } d ? EnumText<DeliveryStatus>.Parse(d) : null,
                key.TryGetValue("grade", out var g) && g.IsNumeric ? g.ToInt32() : null,
                r["bookings"].ToInt64(), r["attended"].ToInt64(), r["maxAttended"].IsBsonNull ? 0 : r["maxAttended"].ToInt32(),
                r["noneAttended"].ToInt64(), r["overdue"].ToInt64());
        }).ToList();
    }

    public async Task<BookingRollup> RollUpBookingsAsync(BookingTallyFilter filter, CancellationToken ct = default)
    {
        var semester = Semester.Of(filter.StartsFrom);
        if (filter.StartsFrom != semester.Start || filter.StartsBefore != semester.End) return BookingRollup.Of(await TallyBookingsAsync(filter, ct));
        var rows = _database.GetCollection<BsonDocument>(ReportRows.Collection);
        var allOverdue = filter.OverdueBefore >= semester.End;
        var overdue = new Dictionary<(string, string, string), long>();
        if (!allOverdue && filter.OverdueBefore > semester.Start)
            foreach (var r in await Collection<BookingAggregate>().Aggregate<BsonDocument>(ReportRows.OverdueRollupPipeline(filter.Districts, filter.StartsFrom, filter.OverdueBefore),
                         cancellationToken: ct).ToListAsync(ct))
            {
                var key = r["_id"].AsBsonDocument;
                overdue[(Text(key, "district"), Text(key, "provider"), Text(key, "mode"))] = r["bookings"].ToInt64();
            }

        var providers = (await rows.Aggregate<BsonDocument>(ReportRows.ProviderRollupPipeline(semester, filter.Districts), cancellationToken: ct).ToListAsync(ct)).Select(r =>
        {
            var key = r["_id"].AsBsonDocument;
            var (district, provider, mode) = (Text(key, "district"), Text(key, "provider"), Text(key, "mode"));
            var status = EnumText<BookingStatus>.Parse(Text(key, "status"));
            var bookings = r["bookings"].ToInt64();
            var late = status != BookingStatus.Confirmed ? 0 : allOverdue ? bookings : overdue.GetValueOrDefault((district, provider, mode));
            return new ProviderRollup(district, Guid.Parse(provider), mode.Length == 0 ? null : EnumText<DeliveryMode>.Parse(mode), status,
                key["delivered"].ToBoolean(), bookings, r["noneAttended"].ToInt64(), late);
        }).ToList();
        var schools = (await rows.Aggregate<BsonDocument>(ReportRows.SchoolRollupPipeline(semester, filter.Districts), cancellationToken: ct).ToListAsync(ct)).Select(r =>
        {
            var key = r["_id"].AsBsonDocument;
            var (category, grade) = (Text(key, "category"), key["grade"].ToInt32());
            return new SchoolRollup(Text(key, "district"), Guid.Parse(Text(key, "school")), category.Length == 0 ? null : EnumText<Category>.Parse(category),
                grade < 0 ? null : grade, r["delivered"].ToInt64(), r["maxAttended"].ToInt32());
        }).ToList();
        return new BookingRollup(providers, schools);

        static string Text(BsonDocument key, string name) => key.TryGetValue(name, out var v) && v.IsString ? v.AsString : "";
    }

    private async Task<IReadOnlyList<BookingTally>> SemesterTallyAsync(BookingTallyFilter filter, Semester semester, CancellationToken ct)
    {
        var allOverdue = filter.OverdueBefore >= semester.End;
        Dictionary<string, long>? overdue = null;
        if (!allOverdue && filter.OverdueBefore > semester.Start)
        {
            var late = await Collection<BookingAggregate>().Aggregate<BsonDocument>(ReportRows.Overdue(filter.Districts, filter.StartsFrom, filter.OverdueBefore), cancellationToken: ct)
                .ToListAsync(ct);
            overdue = late.ToDictionary(r =>
            {
                var key = r["_id"].AsBsonDocument;
                string Text(string name) => key.TryGetValue(name, out var v) && v.IsString ? v.AsString : "";
                return ReportRows.OverdueKey(Text("district"), Text("school"), Text("provider"), Text("category"), Text("mode"), Text("delivery"),
                    key.TryGetValue("grade", out var g) && g.IsNumeric ? g.ToInt32() : -1);
            }, r => r["bookings"].ToInt64(), StringComparer.Ordinal);
        }
        var groups = await _database.GetCollection<BsonDocument>(ReportRows.Collection).Find(ReportRows.Groups(semester, filter.Districts)).ToListAsync(ct);
        return groups.Select(r =>
        {
            T? OrNull<T>(string name) where T : struct, Enum => r[name].AsString is { Length: > 0 } text ? EnumText<T>.Parse(text) : null;
            var (status, bookings, grade) = (EnumText<BookingStatus>.Parse(r["status"].AsString), r["bookings"].ToInt64(), r["grade"].ToInt32());
            var late = status != BookingStatus.Confirmed ? 0 : allOverdue ? bookings
                : overdue?.GetValueOrDefault(ReportRows.OverdueKey(r["district"].AsString, r["school"].AsString, r["provider"].AsString, r["category"].AsString,
                    r["mode"].AsString, r["delivery"].AsString, grade)) ?? 0;
            return new BookingTally(r["district"].AsString, Guid.Parse(r["school"].AsString), Guid.Parse(r["provider"].AsString), OrNull<Category>("category"),
                OrNull<DeliveryMode>("mode"), status, OrNull<DeliveryStatus>("delivery"), grade < 0 ? null : grade, bookings, r["attended"].ToInt64(),
                r["maxAttended"].ToInt32(), r["noneAttended"].ToInt64(), late);
        }).ToList();
    }

    /// <summary>
    /// Once per database (the marker): the report's rows of the bookings stored before the commits kept them, district by district,
    /// each in a transaction that replaces the district's rows with the grouping of its bookings read in the same snapshot — a commit
    /// writing one of those rows meanwhile conflicts with it, and one of the two runs again.
    /// </summary>
    private async Task FillReportRowsAsync(CancellationToken ct)
    {
        var meta = _database.GetCollection<BsonDocument>(MongoSchema.Meta);
        if (await meta.Find(ReportFilledMarker).AnyAsync(ct)) return;
        var bookings = Collection<BookingAggregate>();
        var rows = _database.GetCollection<BsonDocument>(ReportRows.Collection);
        var districts = await (await bookings.DistinctAsync<string>("districtCode", new BsonDocument(), cancellationToken: ct)).ToListAsync(ct);
        foreach (var district in districts)
        {
            using var session = await _client.StartSessionAsync(cancellationToken: ct);
            await session.WithTransactionAsync(async (s, token) =>
            {
                await rows.DeleteManyAsync(s, new BsonDocument("district", district), cancellationToken: token);
                var groups = new Dictionary<string, BsonDocument>(StringComparer.Ordinal);
                using var cursor = await bookings.FindAsync(s, new BsonDocument("districtCode", district),
                    new FindOptions<BsonDocument> { Projection = ReportRows.Projection, BatchSize = 5_000 }, token);
                while (await cursor.MoveNextAsync(token))
                    foreach (var booking in cursor.Current)
                    {
                        var row = ReportRows.Of(booking);
                        if (!groups.TryGetValue(row.Id, out var group))
                            groups[row.Id] = group = new BsonDocument("_id", row.Id).AddRange(row.Fields)
                                .AddRange(new BsonDocument { { "bookings", 0L }, { "attended", 0L }, { "maxAttended", 0 }, { "noneAttended", 0L } });
                        group["bookings"] = group["bookings"].ToInt64() + 1;
                        group["attended"] = group["attended"].ToInt64() + (row.Attended ?? 0);
                        group["maxAttended"] = Math.Max(group["maxAttended"].ToInt32(), row.Attended ?? 0);
                        group["noneAttended"] = group["noneAttended"].ToInt64() + (row.Attended == 0 ? 1 : 0);
                    }
                if (groups.Count > 0) await rows.InsertManyAsync(s, groups.Values, cancellationToken: token);
                return true;
            }, Transaction, ct);
        }
        await meta.UpdateOneAsync(ReportFilledMarker, new BsonDocument("$set", new BsonDocument("at", DateTime.UtcNow)), new UpdateOptions { IsUpsert = true }, ct);
    }
}
