using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Enums in request bodies by name only, and only names the enum defines. JsonStringEnumConverter also takes numbers
/// ("mode": 5) and comma lists ("OffCampus, Both" = 3): an offering of mode 5 was neither on- nor off-campus, so the
/// venue and district rules were skipped and any school anywhere could book it. Written by name, as before.
/// </summary>
internal sealed class StrictEnumConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Named<>).MakeGenericType(typeToConvert))!;

    private sealed class Named<T> : JsonConverter<T> where T : struct, Enum
    {
        private static readonly string[] Allowed = Enum.GetNames<T>();

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var name = reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName ? reader.GetString() : null;
            if (name is { Length: > 0 } && char.IsLetter(name[0]) && !name.Contains(',')
                && Enum.TryParse<T>(name, ignoreCase: true, out var value) && Enum.IsDefined(value))
                return value;
            throw new InvalidFieldException("validation.one-of", (object)Allowed);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Read(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WritePropertyName(value.ToString());
    }
}
