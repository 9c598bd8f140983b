using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Core.Shared;

/// <summary>
/// Instants as people in China read and send them. Writes ISO 8601 in Asia/Shanghai: "2026-09-01T15:40:00+08:00", in every
/// response, push and export. Reads with <see cref="ChinaTime.TryParseInstant"/>: "2026-09-01T15:40:00" is 15:40 in Beijing
/// (System.Text.Json would take the server's zone, UTC in a container, and store the session 8 h late); years outside
/// 2000–2099 are refused. Stored documents keep UTC (<c>StoreJson</c>); this converter is for what clients see.
/// </summary>
public sealed class ChinaTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && ChinaTime.TryParseInstant(reader.GetString(), out var at)
            ? at : throw new InvalidFieldException("json.instant");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ChinaTime.ToLocal(value));
}
