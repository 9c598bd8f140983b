using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

internal static class OutboxDocuments
{
    public static BsonDocument ToBson(OutboxMessage message, long cursor) => new()
    {
        { "cursor", cursor },
        { "id", StoredDocuments.Key(message.Id) },
        { "type", message.Type },
        { "at", StoreJson.FormatTime(message.At) },
        { "audiences", new BsonArray(message.Audiences) },
        { "data", message.Data },
    };

    public static OutboxMessage FromBson(BsonDocument d) => new(
        Guid.Parse(d["id"].AsString), d["type"].AsString, DateTimeOffset.Parse(d["at"].AsString, System.Globalization.CultureInfo.InvariantCulture),
        d["audiences"].AsBsonArray.Select(a => a.AsString).ToArray(), d["data"].AsString)
    { Cursor = d["cursor"].ToInt64() };
}
