using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Marketplace.Api.Hosting;

/// <summary>
/// What a client generator needs from /openapi/v1.json beyond what the framework infers: enum schemas that list their
/// values (the host reads and writes enums by name through its own converter, which the schema generator cannot see),
/// typed times and numbers, the bearer scheme on every operation that needs a token, required headers, request examples
/// (<see cref="OpenApiExamples"/>) and the 4xx problems (<see cref="OpenApiProblems"/>). A test generates a C# client from it.
/// </summary>
internal static class OpenApiSetup
{
    public const string Bearer = "Bearer";

    public static void Configure(OpenApiOptions o)
    {
        o.AddSchemaTransformer(async (schema, context, ct) =>
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (type == typeof(System.Text.Json.JsonElement))
            {
                schema.Type = JsonSchemaType.Object;
                schema.Description = "事件内容，随 type 而定（见 docs/realtime.md）/ the event's payload; its shape depends on `type` (docs/realtime.md).";
            }
            var orNull = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) is null ? 0 : JsonSchemaType.Null;
            // FiniteNumberConverter reads doubles, which hides their type from the generator as it hides the enums'.
            if (type == typeof(double) || type == typeof(float))
                schema.Type = JsonSchemaType.Number | orNull;
            // Numbers are written as numbers; that the host also reads "12" is leniency, not a second type for clients.
            if (schema.Type is { } t && (t & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (t & JsonSchemaType.String) != 0)
                (schema.Type, schema.Pattern) = (t & ~JsonSchemaType.String, null);
            // ChinaTimeJsonConverter and LenientTimeOnlyConverter hide that these are strings.
            if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
                schema.Type = JsonSchemaType.String | orNull;
            if (type == typeof(TimeOnly))
            {
                (schema.Type, schema.Format, schema.Pattern) = (JsonSchemaType.String | orNull, null, @"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$");
                schema.Description = "北京时间的钟点，如 15:40 / a Beijing time of day, HH:mm";
            }
            if (type.IsEnum)
            {
                schema.Type = JsonSchemaType.String;
                schema.Enum = [.. Enum.GetNames(type).Select(name => (JsonNode)JsonValue.Create(name)!)];
            }
            // A list of enums loses its items to the same converter: name the enum's schema.
            if (schema.Items is null && ElementType(type) is { IsEnum: true } element)
                schema.Items = await context.GetOrCreateSchemaAsync(element, null, ct);
        });
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Description = "课后服务资源对接平台接口。登录 POST /api/auth/token 取得 JWT，在请求头 Authorization: Bearer … 中携带。"
                + $" 时间均为 ISO 8601 北京时间（+08:00）；金额为分。实时推送见 [docs/realtime.md]({RealtimeDoc.Path})（SignalR /hubs/marketplace）。"
                + "错误均为 RFC 9457 problem details（application/problem+json）。\n\n"
                + "After-school resource marketplace API. Sign in with POST /api/auth/token and send the JWT as `Authorization: Bearer …`."
                + $" Every time is ISO 8601 in Beijing time (+08:00); money is in fen. Live pushes: [docs/realtime.md]({RealtimeDoc.Path})"
                + " (SignalR /hubs/marketplace: methods, events and payloads). Errors are RFC 9457 problem details (application/problem+json).";
            document.ExternalDocs = new OpenApiExternalDocs
            {
                Description = "实时推送（SignalR 集线器的方法与事件）/ Live pushes: the SignalR hub's methods and events", Url = new Uri(RealtimeDoc.Path, UriKind.Relative),
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT", In = ParameterLocation.Header,
                Description = "POST /api/auth/token → accessToken",
            };
            return Task.CompletedTask;
        });
        o.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (!metadata.OfType<IAllowAnonymous>().Any())
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] }];
            if (operation.OperationId == "SearchOfferings") operation.Parameters = [.. SearchParameters];
            OpenApiExamples.Apply(operation, context.ApplicationServices.GetRequiredService<TimeProvider>());
            foreach (var parameter in operation.Parameters ?? [])
            {
                if (parameter is OpenApiParameter { Name: "Idempotency-Key" } header)
                {
                    header.Required = true;
                    header.Description = "8–100 个字符，同一请求重试时保持不变 / 8–100 characters; keep it for retries of the same request.";
                }
            }
            return Task.CompletedTask;
        });
    }

    /// <summary>The search query string, read by Core's SearchQueries (the endpoint takes the raw query, so nothing infers these).</summary>
    private static IEnumerable<IOpenApiParameter> SearchParameters =>
    [
        Query("q", JsonSchemaType.String, "中文检索词（分词、同义词）/ Chinese search text, at most 100 characters"),
        Query("category", JsonSchemaType.String, "Science | Arts | Sports | Reading | Labour | Clubs", Enum.GetNames<Core.Catalog.Category>()),
        Query("mode", JsonSchemaType.String, "OnCampus 请进来 | OffCampus 走出去（Both 也匹配）", Enum.GetNames<Core.Catalog.DeliveryMode>()),
        Query("grade", JsonSchemaType.Integer, "年级 1–9 / grade 1–9"),
        Query("district", JsonSchemaType.String, "区县代码（GB/T 2260）/ district code"),
        Query("lat", JsonSchemaType.Number, "纬度，与 lon 同时 / latitude, with lon"),
        Query("lon", JsonSchemaType.Number, "经度，与 lat 同时 / longitude, with lat"),
        Query("radiusKm", JsonSchemaType.Number, "半径（公里），需 lat/lon 或学校登录 / radius in km from lat/lon or the signed-in school"),
        Query("from", JsonSchemaType.String, "yyyy-MM-dd（北京日）或 ISO 8601 / a Beijing date or an ISO 8601 time: a session starting at or after"),
        Query("to", JsonSchemaType.String, "yyyy-MM-dd（含当日）或 ISO 8601 / a Beijing date (inclusive) or an ISO 8601 time: a session starting before"),
        Query("maxPrice", JsonSchemaType.Integer, "每生每场次最高价（分）/ price ceiling in fen per pupil per session"),
        Query("available", JsonSchemaType.Boolean, "仅有余位的未来场次 / only offerings with a future session with free seats"),
        Query("weekday", JsonSchemaType.Integer, "星期 1（周一）–7（周日），可重复：weekday=2&weekday=4 / ISO weekday of a session's start, Beijing; repeat for several"),
        Query("startAfter", JsonSchemaType.String, "HH:mm（北京时间）：场次不早于此开始 / a session starting at or after this Beijing time of day"),
        Query("endBefore", JsonSchemaType.String, "HH:mm（北京时间）：场次不晚于此结束 / a session ending at or before this Beijing time of day"),
        Query("fitsPlan", JsonSchemaType.Boolean, "true：仅本校一校一案时段内的场次（学校账号；无日期时为该学期）/ true: sessions in the signed-in school's plan windows (its semester when no dates are given)"),
        Query("sort", JsonSchemaType.String, "Relevance | Distance | Price | Soonest", Enum.GetNames<Core.Search.SearchSort>()),
        Query("page", JsonSchemaType.Integer, "从 1 开始 / from 1"),
        Query("pageSize", JsonSchemaType.Integer, "1–100，默认 20 / 1–100, default 20"),
    ];

    private static Type? ElementType(Type type)
    {
        var element = type.IsArray ? type.GetElementType()
            : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        return element is null ? null : Nullable.GetUnderlyingType(element) ?? element;
    }

    private static OpenApiParameter Query(string name, JsonSchemaType type, string description, string[]? values = null) => new()
    {
        Name = name, In = ParameterLocation.Query, Description = description,
        Schema = new OpenApiSchema { Type = type, Enum = values is null ? null : [.. values.Select(v => (JsonNode)JsonValue.Create(v)!)] },
    };
}
