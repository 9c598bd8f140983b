using Marketplace.Core.Persistence;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// An idempotency record as stored: the shared JSON shape plus <c>expiresAt</c>, a BSON date (a TTL index can only read
/// dates; the shape's times are strings) at which the server's TTL monitor deletes it.
/// </summary>
internal static class IdempotencyDocuments
{
    public const string ExpiresAt = "expiresAt";

    public static string Key(string scope, string key) => scope + "|" + key;

    public static BsonDocument ToBson(IdempotencyRecord record, TimeSpan retention)
    {
        var document = StoredDocuments.ToBson(record, Key(record.Scope, record.Key));
        document.Add(ExpiresAt, new BsonDateTime((record.CreatedAt + retention).UtcDateTime));
        return document;
    }

    public static IdempotencyRecord FromBson(BsonDocument document)
    {
        var shared = document.DeepClone().AsBsonDocument;
        shared.Remove(ExpiresAt);
        return StoredDocuments.FromBson<IdempotencyRecord>(shared);
    }
}
