using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Reads instants in request bodies with <see cref="ChinaTime.TryParseInstant"/>: "2026-09-01T15:40:00" is 15:40 in
/// Beijing (System.Text.Json would take the server's zone, UTC in a container, and store the session 8 h late);
/// years outside 2000–2099 are refused. Writes ISO-8601 with the value's own offset, as by default.
/// </summary>
internal sealed class ChinaTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && ChinaTime.TryParseInstant(reader.GetString(), out var at)
            ? at : throw new JsonException("A time must look like 2026-09-01T15:40:00+08:00 (without an offset it is Beijing time), years 2000–2099.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
