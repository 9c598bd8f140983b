using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Persistence;

/// <summary>The one JSON shape for persisted documents and event payloads, shared by every store adapter.</summary>
public static class StoreJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>An answer kept to be sent again byte for byte (idempotent replays): as clients see it, times in +08:00.
    /// Same fields as the host's own answers (nulls written), so a 201 body and a later GET of the resource agree.</summary>
    public static readonly JsonSerializerOptions ResponseOptions = new(Options)
    {
        Converters = { new ChinaTimeJsonConverter() }, DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>The stored text of a UTC instant; stored instants compare correctly as strings.</summary>
    public static string FormatTime(DateTimeOffset at) => Serialize(at.ToUniversalTime()).Trim('"');

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidOperationException($"Stored {typeof(T).Name} is empty.");
}
