using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Hosting;

/// <summary>Accepts "15:40" as well as "15:40:00" for local times of day; writes "HH:mm".</summary>
internal sealed class LenientTimeOnlyConverter : JsonConverter<TimeOnly>
{
    private static readonly string[] Formats = ["HH:mm", "HH:mm:ss", "H:mm"];

    public override TimeOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && TimeOnly.TryParseExact(reader.GetString(), Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t : throw new InvalidFieldException("json.time-of-day");

    public override void Write(Utf8JsonWriter writer, TimeOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("HH:mm", CultureInfo.InvariantCulture));
}
