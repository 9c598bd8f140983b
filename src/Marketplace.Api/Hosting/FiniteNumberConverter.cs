using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Every double and float in a request body must be a finite number. The web defaults read numbers from strings, and
/// "NaN", "Infinity" or 1e400 (which overflows to Infinity) came through as values nothing downstream can store:
/// the SQLite writer threw and the client got a 500. Numbers are still accepted as JSON numbers or numeric strings.
/// </summary>
internal sealed class FiniteNumberConverter : JsonConverterFactory
{
    private const string Message = "validation.finite-number";

    public override bool CanConvert(Type typeToConvert) => typeToConvert == typeof(double) || typeToConvert == typeof(float);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        typeToConvert == typeof(double) ? new DoubleConverter() : new SingleConverter();

    private static double ReadFinite(ref Utf8JsonReader reader)
    {
        var value = reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetDouble(out var n) => n,
            JsonTokenType.String when double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
            _ => double.NaN,
        };
        return double.IsFinite(value) ? value : throw new InvalidFieldException(Message);
    }

    private sealed class DoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadFinite(ref reader);

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

    private sealed class SingleConverter : JsonConverter<float>
    {
        public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = (float)ReadFinite(ref reader);
            return float.IsFinite(value) ? value : throw new InvalidFieldException(Message);
        }

        public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }
}
