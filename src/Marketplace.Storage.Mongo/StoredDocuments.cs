using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;
using MongoDB.Bson.IO;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>
/// Converts between the shared <see cref="StoreJson"/> shape and BSON, so both stores hold the same document.
/// Times stay ISO-8601 strings as System.Text.Json writes them; all stored times are UTC, so they order as strings.
/// </summary>
internal static class StoredDocuments
{
    private static readonly JsonWriterSettings Relaxed = new() { OutputMode = JsonOutputMode.RelaxedExtendedJson };

    public static BsonDocument ToBson<T>(T value, string id)
    {
        var document = BsonDocument.Parse(StoreJson.Serialize(value));
        document.InsertAt(0, new BsonElement("_id", id));
        return document;
    }

    public static BsonDocument ToBson(IAggregate aggregate) =>
        ToBson<object>(aggregate, Key(aggregate.Id));

    public static T FromBson<T>(BsonDocument document)
    {
        var copy = new BsonDocument(document.Where(e => e.Name != "_id"));
        return StoreJson.Deserialize<T>(copy.ToJson(Relaxed));
    }

    public static string Key(Guid id) => id.ToString("D");
}
