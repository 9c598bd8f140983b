using System.Globalization;
using System.Text.Json.Nodes;
using Marketplace.Core.Shared;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting;

/// <summary>
/// The query string of a list endpoint, read strictly: only the parameters the endpoint declares, each at most once,
/// enums by a defined name only (any case; no numbers, no comma lists), ids as GUIDs, whole numbers within range, an
/// empty value as not given. Minimal-API binding took <c>status=1</c> and <c>status=99</c> as statuses, kept one value of
/// <c>status=Pending,Approved</c> and ignored names it did not know (<c>GET /api/bookings?district=</c>). Every bad
/// parameter is named in one 400. The same declaration documents the parameters in OpenAPI (<see cref="QueryParametersExtensions.WithQuery"/>).
/// </summary>
public sealed class QueryParameters(params QueryParameter[] parameters)
{
    private readonly Dictionary<string, QueryParameter> _declared = parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public ParsedQuery Read(HttpRequest request)
    {
        var v = new Validator();
        var values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, given) in request.Query)
        {
            if (!_declared.TryGetValue(name, out var parameter))
                v.Add(name, _declared.Count == 0 ? new("query.unknown-parameter-none") : new("query.unknown-parameter-known", (object)_declared.Values.Select(p => p.Name).ToArray()));
            else if (given.Count > 1)
                v.Add(parameter.Name, new("query.repeated-parameter"));
            else if (given.ToString() is { Length: > 0 } text)
            {
                if (parameter.Parse(text) is { } value) values[parameter.Name] = value;
                else v.Add(parameter.Name, parameter.Expected);
            }
        }
        v.ThrowIfInvalid();
        return new ParsedQuery(values);
    }

    internal void Describe(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        foreach (var p in _declared.Values)
            operation.Parameters.Add(new OpenApiParameter { Name = p.Name, In = ParameterLocation.Query, Description = p.Description, Schema = p.Schema() });
    }
}

public sealed class ParsedQuery(IReadOnlyDictionary<string, object> values)
{
    public T? Enum<T>(string name) where T : struct, Enum => values.TryGetValue(name, out var v) ? (T)v : null;

    public Guid? Id(string name) => values.TryGetValue(name, out var v) ? (Guid)v : null;

    public long? Number(string name) => values.TryGetValue(name, out var v) ? (long)v : null;

    public string? DistrictCode(string name) => values.TryGetValue(name, out var v) ? (string)v : null;

    public bool? Flag(string name) => values.TryGetValue(name, out var v) ? (bool)v : null;

    public string? Text(string name) => values.TryGetValue(name, out var v) ? (string)v : null;
}

/// <summary>One declared query parameter: how to read it, what a client must send, and its OpenAPI schema.</summary>
public sealed class QueryParameter
{
    private QueryParameter(string name, string description, UserMessage expected, Func<string, object?> parse, Func<OpenApiSchema> schema)
    {
        Name = name;
        Description = description;
        Expected = expected;
        Parse = parse;
        Schema = schema;
    }

    public string Name { get; }
    public string Description { get; }
    internal UserMessage Expected { get; }
    internal Func<string, object?> Parse { get; }
    internal Func<OpenApiSchema> Schema { get; }

    public static QueryParameter Enum<T>(string name, string description) where T : struct, Enum
    {
        var names = System.Enum.GetNames<T>();
        return new(name, description, new UserMessage("validation.one-of", (object)names),
            text => names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } match ? System.Enum.Parse<T>(match) : null,
            () => new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. names.Select(n => (JsonNode)JsonValue.Create(n))] });
    }

    public static QueryParameter Id(string name, string description) =>
        new(name, description, new UserMessage("query.guid"),
            text => Guid.TryParse(text, out var id) ? id : null,
            () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" });

    /// <summary><c>true</c> or <c>false</c> (any case); nothing else (no 1/0, no yes/no).</summary>
    public static QueryParameter Flag(string name, string description) =>
        new(name, description, new UserMessage("query.boolean"),
            text => bool.TryParse(text, out var b) && text.Trim().Length == text.Length ? b : null,
            () => new OpenApiSchema { Type = JsonSchemaType.Boolean });

    /// <summary>A text matching <paramref name="pattern"/> (a district code …); <paramref name="expected"/> tells a client what to send.</summary>
    public static QueryParameter Text(string name, System.Text.RegularExpressions.Regex pattern, UserMessage expected, string description) =>
        new(name, description, expected, text => pattern.IsMatch(text) ? text : null,
            () => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = pattern.ToString() });

    public static QueryParameter Number(string name, long min, long max, string description) =>
        new(name, description, new UserMessage("query.integer-range", min, max),
            text => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null,
            () => new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int64",
                Minimum = min.ToString(CultureInfo.InvariantCulture), Maximum = max.ToString(CultureInfo.InvariantCulture),
            });
    /// <summary>A district's six-digit GB/T 2260 code (whether the district exists is the use case's to say).</summary>
    public static QueryParameter DistrictCode(string name, string description) =>
        new(name, description, new UserMessage("query.unknown-district"),
            text => text.Length == 6 && text.All(char.IsAsciiDigit) ? text : null,
            () => new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{6}$" });
}

public static class QueryParametersExtensions
{
    /// <summary>Documents the endpoint's query parameters in OpenAPI; the handler reads them with <see cref="QueryParameters.Read"/>.
    /// The declaration is also the endpoint's metadata, so OpenApiProblems knows a bad query string is its 400.</summary>
    public static RouteHandlerBuilder WithQuery(this RouteHandlerBuilder builder, QueryParameters query) =>
        builder.WithMetadata(query).AddOpenApiOperationTransformer((operation, _, _) =>
        {
            query.Describe(operation);
            return Task.CompletedTask;
        });
}
