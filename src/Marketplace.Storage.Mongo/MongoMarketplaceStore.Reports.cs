using Marketplace.Core.Bookings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using MongoDB.Bson;
using MongoDB.Driver;
using BookingAggregate = Marketplace.Core.Bookings.Booking;

namespace Marketplace.Storage.Mongo;

/// <summary>Reports (issue 16): the coverage report's tally, grouped by the server (<see cref="ReportQuery"/>).</summary>
internal sealed partial class MongoMarketplaceStore
{
    public async Task<IReadOnlyList<BookingTally>> TallyBookingsAsync(BookingTallyFilter filter, CancellationToken ct = default)
    {
        var rows = await Collection<BookingAggregate>().Aggregate<BsonDocument>(ReportQuery.Tally(filter), cancellationToken: ct).ToListAsync(ct);
        return rows.Select(r =>
        {
            var key = r["_id"].AsBsonDocument;
            string? Text(string name) => key.TryGetValue(name, out var v) && v.IsString ? v.AsString : null;
            return new BookingTally(Text("district")!, Guid.Parse(Text("school")!), Guid.Parse(Text("provider")!),
                Text("category") is { } c ? Enum.Parse<Category>(c) : null, Text("mode") is { } m ? Enum.Parse<DeliveryMode>(m) : null,
                Enum.Parse<BookingStatus>(Text("status")!), Text("delivery") is { } d ? Enum.Parse<DeliveryStatus>(d) : null,
                key.TryGetValue("grade", out var g) && g.IsNumeric ? g.ToInt32() : null,
                r["bookings"].ToInt64(), r["attended"].ToInt64(), r["maxAttended"].IsBsonNull ? 0 : r["maxAttended"].ToInt32(),
                r["noneAttended"].ToInt64(), r["overdue"].ToInt64());
        }).ToList();
    }
}
