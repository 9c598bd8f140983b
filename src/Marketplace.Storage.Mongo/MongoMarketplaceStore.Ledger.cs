using Marketplace.Core.Persistence;
using Marketplace.Core.Settlement;
using MongoDB.Bson;
using MongoDB.Driver;
using BookingAggregate = Marketplace.Core.Bookings.Booking;

namespace Marketplace.Storage.Mongo;

/// <summary>Settlement (issue 15): the ledger in posting order, statements summed by the server, payments, deliveries due.</summary>
internal sealed partial class MongoMarketplaceStore
{
    public Task<IReadOnlyList<LedgerTransaction>> ListLedgerAsync(LedgerFilter filter, CancellationToken ct = default) =>
        FindAsync<LedgerTransaction>(LedgerQuery.Filter(filter), LedgerQuery.PostingOrder, filter.Limit, ct);

    public async Task<IReadOnlyList<LedgerTotal>> SumLedgerAsync(LedgerFilter filter, CancellationToken ct = default)
    {
        var rows = await Collection<LedgerTransaction>().Aggregate<BsonDocument>(LedgerQuery.Sum(filter), cancellationToken: ct).ToListAsync(ct);
        return rows.Select(r => new LedgerTotal(r["_id"]["account"].AsString, Enum.Parse<LedgerKind>(r["_id"]["kind"].AsString),
            r["debit"].ToInt64(), r["credit"].ToInt64(), r["entries"].ToInt64())).ToList();
    }

    public Task<IReadOnlyList<Payment>> ListPaymentsAsync(PaymentFilter filter, CancellationToken ct = default) =>
        FindAsync<Payment>(LedgerQuery.Payments(filter), LedgerQuery.NewestFirst, filter.Limit, ct);

    public Task<IReadOnlyList<BookingAggregate>> ListDeliveriesDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken ct = default) =>
        FindAsync<BookingAggregate>(LedgerQuery.DeliveriesDue(dueBefore), LedgerQuery.DueFirst, limit, ct);
}
