using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marketplace.Api.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Marketplace.Api.Tests.Hardening;

/// <summary>
/// Issue 10, "Verify": walks every operation of /openapi/v1.json and sends it malformed input — wrong JSON types per
/// property (nested objects too), null, arrays for objects, non-finite numbers as strings, control characters, 10,000-
/// character strings, a 1 MB body, truncated and otherwise broken JSON, bad path ids (not a GUID, %00, too long), bad and
/// repeated query values — as every identity the operation admits. No answer may be a 5xx, and every 4xx must be an
/// RFC 9457 problem (application/problem+json with status and title). Deterministic (fixed seed, document order) and
/// bounded (<see cref="Budget"/> requests).
/// </summary>
public sealed class OpenApiFuzzTests(DemoFactory factory, ITestOutputHelper output) : IClassFixture<DemoFactory>
{
    private const int Seed = 20261130;
    private const int Budget = 10000; // 4,000 before issue 12 added 13 operations and the admin identity; 5,000 before issue 13's series routes; 6,000 before issue 15's 14 settlement operations; 8,000 before issue 18's families operations and the guardian identity

    /// <summary>Each call rebuilds the whole index: probed once per identity, not fuzzed.</summary>
    private static readonly HashSet<string> ProbeOnly = ["RebuildSearchIndex"];

    [Fact]
    public async Task EveryOperation_UnderMalformedInput_IsNever5xx_AndEvery4xxIsAProblem()
    {
        var started = DateTime.UtcNow;
        var document = await factory.CreateClient().GetJsonAsync("/openapi/v1.json");
        var run = await FuzzRun.StartAsync(factory, document, new Random(Seed));
        var operations = FuzzRun.OperationsOf(document);
        var setUp = DateTime.UtcNow - started;
        Assert.True(operations.Count >= 30, $"the document lists {operations.Count} operations");

        // Suspending the target provider in the bureau's district takes away that bureau's review and block of its offerings: last.
        foreach (var operation in operations.OrderBy(o => o.Id == "SuspendProvider")) await run.FuzzAsync(operation, ProbeOnly.Contains(operation.Id));

        output.WriteLine($"{run.Requests} requests over {operations.Count} operations in {(DateTime.UtcNow - started - setUp).TotalSeconds:0.0} s " +
            $"(host start, demo seed and targets {setUp.TotalSeconds:0.0} s); {run.RefusedBeforeTheApp} refused before the app (NUL in the path); " +
            $"answers: {string.Join(", ", run.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        output.WriteLine(string.Join(", ", run.PerOperation.Select(p => $"{p.Key} {p.Value}")));
        Assert.Empty(operations.Select(o => o.Id).Except(run.Reached));
        Assert.True(run.Requests <= Budget, $"{run.Requests} requests, budget {Budget}");
        Assert.True(run.Failures.Count == 0, $"{run.Failures.Count} bad answers, e.g.:\n" + string.Join("\n", run.Failures.Take(25)));
    }

    internal sealed record Parameter(string Name, string In, JsonNode Schema);

    internal sealed record Operation(string Id, string Method, string Path, IReadOnlyList<Parameter> Parameters, string? BodySchema);

    /// <summary>One request as sent: the raw body bytes (or none) and its content type.</summary>
    private sealed record Attempt(string Label, string Url, byte[]? Body, string ContentType = "application/json", bool WithIdempotencyKey = true, string? Accept = null);

    private sealed class FuzzRun(JsonNode document, Random random, Dictionary<string, HttpClient> identities, Dictionary<string, string> ids)
    {
        public int Requests { get; private set; }
        public List<string> Failures { get; } = [];
        public HashSet<string> Reached { get; } = [];
        public Dictionary<int, int> Statuses { get; } = [];
        public Dictionary<string, int> PerOperation { get; } = [];

        /// <summary>
        /// Requests whose path decodes to NUL: the in-memory server refuses them before the app, as Kestrel does on a real
        /// listener (a 400 without a body, documented in docs/operations.md and pinned by KestrelEdgeTests).
        /// </summary>
        public int RefusedBeforeTheApp { get; private set; }

        private JsonObject Schemas => document["components"]!["schemas"]!.AsObject();

        public static async Task<FuzzRun> StartAsync(DemoFactory factory, JsonNode document, Random random)
        {
            var identities = new Dictionary<string, HttpClient> { ["anonymous"] = factory.CreateClient() };
            // admin (issue 12): its destructive routes (disable an organisation or a user, reset a password) name their target by
            // path ids, which the fuzz fills with random GUIDs (404), and the password change is sent with a wrong current password,
            // so no run can disable, lock or re-password the demo accounts the other operations use.
            foreach (var user in new[] { "provider1", "school1", "bureau-110105", "admin", "guardian2" }) identities[user] = await factory.ClientForAsync(user);

            // Separate targets, so that the operations that archive, cancel or delete do not take away what later ones act on.
            var (_, transitions, _) = await BookingTests.FreshSessionAsync(factory, 40);
            var (provider, offering, bookable) = await BookingTests.FreshSessionAsync(factory, 40, hoursAhead: 96);
            var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(9));
            var second = (await (await provider.PostJsonAsync($"/api/offerings/{offering}/sessions", new { startsAt = start, endsAt = start.AddHours(1), capacity = 20 }))
                .ReadJsonAsync()).AsArray()[0]!["id"]!.GetValue<Guid>();
            using var book = new HttpRequestMessage(HttpMethod.Post, "/api/bookings") { Content = JsonContent(Example("CreateBookingRequest", bookable.ToString())) };
            book.Headers.Add("Idempotency-Key", "fuzz-setup-booking");
            var booking = await (await identities["school1"].SendAsync(book)).ReadJsonAsync();

            var ids = new Dictionary<string, string>
            {
                ["provider"] = (await factory.OrganizationOfAsync("provider1")).ToString(), ["school"] = (await factory.OrganizationOfAsync("school1")).ToString(),
                ["transitions"] = transitions.ToString(), ["offering"] = offering.ToString(), ["session"] = second.ToString(),
                ["bookable"] = bookable.ToString(), ["booking"] = booking["id"]!.GetValue<Guid>().ToString(),
            };
            return new FuzzRun(document, random, identities, ids);
        }

        public static List<Operation> OperationsOf(JsonNode document)
        {
            var operations = new List<Operation>();
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, op) in item!.AsObject())
                {
                    var parameters = (op!["parameters"]?.AsArray() ?? []).Select(p => new Parameter(p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), p["schema"] ?? new JsonObject())).ToList();
                    var body = op["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>().Split('/')[^1];
                    operations.Add(new Operation(op["operationId"]!.GetValue<string>(), method.ToUpperInvariant(), path, parameters, body));
                }
            }
            return operations;
        }

        public async Task FuzzAsync(Operation op, bool probeOnly)
        {
            var baseUrl = UrlOf(op, p => PathValue(op.Path, p));
            var baseBody = op.BodySchema is { } schema ? Example(schema, ids["bookable"]) : null;
            var probe = new Attempt("valid request", baseUrl, baseBody is null ? null : Encoding.UTF8.GetBytes(baseBody.ToJsonString()));
            var bodiesSent = false;
            foreach (var (name, client) in identities)
            {
                if (await SendAsync(op, name, client, probe) is 401 or 403) continue;
                Reached.Add(op.Id);
                if (probeOnly) continue;
                // The body is read the same for everyone: its mutations go out as the first identity admitted, the path and
                // query ones as each.
                foreach (var attempt in Attempts(op, baseUrl, bodiesSent ? null : baseBody)) await SendAsync(op, name, client, attempt);
                bodiesSent = true;
            }
        }

        private IEnumerable<Attempt> Attempts(Operation op, string baseUrl, JsonNode? baseBody)
        {
            foreach (var path in op.Parameters.Where(p => p.In == "path"))
                foreach (var bad in new[] { "not-a-guid", "%00", "abc%00def", "00000000-0000-0000-0000-000000000000", Guid.CreateVersion7().ToString(), "%E4%B8%AD%E6%96%87", new string('9', 9000) })
                    yield return new Attempt($"path {path.Name}={Short(bad)}", UrlOf(op, p => p == path.Name ? bad : PathValue(op.Path, p)), null);

            foreach (var name in op.Parameters.Where(p => p.In == "query").Select(p => p.Name))
            {
                foreach (var bad in new[] { "%00", "NaN", "Infinity", "-1", "1e400", "99999999999999999999", "Arts,Sports", "1", "%20x", "%E2%80%8B", new string('x', 2000) })
                    yield return new Attempt($"query {name}={Short(bad)}", $"{baseUrl}{Sep(baseUrl)}{name}={bad}", null);
                yield return new Attempt($"query {name} repeated", $"{baseUrl}{Sep(baseUrl)}{name}=1&{name}=2", null);
            }
            yield return new Attempt("unknown query parameter", $"{baseUrl}{Sep(baseUrl)}zz%00=1", null);
            yield return new Attempt("unknown query parameter, Accept: text/plain", $"{baseUrl}{Sep(baseUrl)}zz=1", Bytes(baseBody), Accept: "text/plain");
            yield return new Attempt("query of 9,000 characters", $"{baseUrl}{Sep(baseUrl)}q={new string('q', 9000)}", null);

            if (op.Parameters.Any(p => p.In == "header"))
            {
                yield return new Attempt("no Idempotency-Key", baseUrl, Bytes(baseBody), WithIdempotencyKey: false);
            }

            if (baseBody is null)
            {
                if (op.Method != "GET" && op.BodySchema is null) yield return new Attempt("a body where none is read", baseUrl, Encoding.UTF8.GetBytes("[[[{"));
                yield break;
            }
            var json = baseBody.ToJsonString();
            foreach (var (label, raw) in new (string, string)[]
            {
                ("empty body", ""), ("null body", "null"), ("array for the object", "[" + json + "]"), ("empty array", "[]"), ("a string", "\"text\""),
                ("a number", "42"), ("empty object", "{}"), ("truncated JSON", json[..(json.Length / 2)]), ("a missing value", "{\"a\":}"),
                ("a duplicate property", json.TrimEnd('}') + ",\"" + FirstProperty(baseBody) + "\":12}"),
                ("nesting 1,000 deep", new string('[', 1000) + new string(']', 1000)),
                ("1 MB body", json.TrimEnd('}') + ",\"padding\":\"" + new string('x', 1024 * 1024) + "\"}"),
            })
                yield return new Attempt(label, baseUrl, Encoding.UTF8.GetBytes(raw));
            yield return new Attempt("invalid UTF-8", baseUrl, [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']);
            yield return new Attempt("text/plain", baseUrl, Bytes(baseBody), "text/plain");
            yield return new Attempt("an unreadable body, Accept: text/plain", baseUrl, Encoding.UTF8.GetBytes("{\"x\":"), Accept: "text/plain");
            yield return new Attempt("no content type", baseUrl, Bytes(baseBody), "");

            foreach (var (label, body) in PropertyMutations(op.BodySchema!, baseBody, depth: 0))
                yield return new Attempt(label, baseUrl, Bytes(body));
        }

        /// <summary>The body with one property (or one property of a nested object) replaced by a value of the wrong kind.</summary>
        private IEnumerable<(string Label, JsonNode Body)> PropertyMutations(string schemaName, JsonNode baseBody, int depth)
        {
            var schema = Schemas[schemaName]!;
            foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
            {
                foreach (var (label, value) in WrongValues(property!))
                {
                    var body = baseBody.DeepClone();
                    body[name] = value?.DeepClone();
                    yield return ($"{schemaName}.{name} = {label}", body);
                }
                if (depth > 0) continue;
                var nested = RefOf(property!) ?? RefOf(property!["items"]);
                if (nested is null || Schemas[nested]?["properties"] is null) continue;
                var isList = RefOf(property!) is null;
                var nestedBase = (isList ? baseBody[name]?.AsArray().FirstOrDefault() : baseBody[name])?.DeepClone() ?? Example(nested, ids["bookable"]);
                foreach (var (label, nestedBody) in PropertyMutations(nested, nestedBase, depth + 1))
                {
                    var body = baseBody.DeepClone();
                    body[name] = isList ? new JsonArray(nestedBody) : nestedBody;
                    yield return ($"{schemaName}.{name}: {label}", body);
                }
            }
        }

        private IEnumerable<(string Label, JsonNode? Value)> WrongValues(JsonNode property)
        {
            var types = TypesOf(property);
            yield return ("null", null);
            if (!types.Contains("string")) yield return ("a string", "text");
            if (!types.Overlaps(["number", "integer"])) yield return ("a number", 42);
            if (!types.Contains("boolean")) yield return ("true", true);
            if (!types.Contains("object")) yield return ("an object", new JsonObject { ["a"] = 1 });
            if (!types.Contains("array")) yield return ("an array", new JsonArray(1, "two"));
            if (types.Overlaps(["number", "integer"]))
            {
                foreach (var text in new[] { "NaN", "Infinity", "-Infinity", "1e400", "0x10" }) yield return ($"\"{text}\"", text);
                yield return ("1e400", JsonNode.Parse("1e400"));
                yield return ("1.5", 1.5);
                yield return ("-1", -1);
                yield return ("2^63", JsonNode.Parse("9223372036854775808"));
            }
            if (types.Contains("string") || types.Count == 0)
            {
                yield return ("control characters", "\u0000\u0007\u001b[31m红\u001b[0m");
                yield return ("invisible text", "\u200b\u200c\u2060");
                yield return ("10,000 characters", new string('长', 10_000));
                yield return ("a random string", new string(Enumerable.Range(0, 12).Select(_ => (char)random.Next(0x20, 0x2FFF)).ToArray()));
            }
            if (types.Contains("array"))
            {
                yield return ("[null]", new JsonArray((JsonNode?)null));
                yield return ("[{}]", new JsonArray(new JsonObject()));
                yield return ("10,000 items", new JsonArray([.. Enumerable.Range(0, 10_000).Select(i => (JsonNode)JsonValue.Create("x" + i))]));
            }
        }

        /// <summary>JSON types a property accepts, from "type" (a string or a list) or, where the document has none, from the format or the $ref.</summary>
        private HashSet<string> TypesOf(JsonNode? schema)
        {
            var types = new HashSet<string>();
            if (schema is null) return types;
            if (schema["type"] is JsonArray list) types.UnionWith(list.Select(t => t!.GetValue<string>()));
            else if (schema["type"] is JsonValue one) types.Add(one.GetValue<string>());
            if (schema["format"]?.GetValue<string>() is "double" or "float") types.Add("number");
            if (schema["format"]?.GetValue<string>() is "date" or "date-time" or "time" or "uuid") types.Add("string");
            foreach (var alternative in schema["oneOf"]?.AsArray() ?? []) types.UnionWith(TypesOf(alternative));
            if (schema["$ref"]?.GetValue<string>() is { } reference) types.UnionWith(TypesOf(Schemas[reference.Split('/')[^1]]));
            if (schema["properties"] is not null) types.Add("object");
            return types;
        }

        private static string? RefOf(JsonNode? schema) =>
            (schema?["$ref"] ?? schema?["oneOf"]?.AsArray().FirstOrDefault(a => a?["$ref"] is not null)?["$ref"])?.GetValue<string>().Split('/')[^1];

        private async Task<int> SendAsync(Operation op, string identity, HttpClient client, Attempt attempt)
        {
            Requests++;
            PerOperation[op.Id] = PerOperation.GetValueOrDefault(op.Id) + 1;
            using var request = new HttpRequestMessage(new HttpMethod(op.Method), attempt.Url);
            if (attempt.Body is not null)
            {
                request.Content = new ByteArrayContent(attempt.Body);
                if (attempt.ContentType.Length > 0) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(attempt.ContentType);
            }
            if (attempt.Accept is not null) request.Headers.Accept.ParseAdd(attempt.Accept);
            if (attempt.WithIdempotencyKey && op.Parameters.Any(p => p is { In: "header", Name: "Idempotency-Key" }))
                request.Headers.Add("Idempotency-Key", $"fuzz-{Requests}");
            var where = $"{op.Method} {op.Path} ({op.Id}) as {identity}, {attempt.Label}";
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (InvalidOperationException e) when (e.Message == "The path contains null characters.")
            {
                RefusedBeforeTheApp++;
                return 0;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
            {
                Failures.Add($"{where}: no answer ({e.GetType().Name}: {e.Message})");
                return 0;
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
                if (status >= 500) Failures.Add($"{where}: {status} {Short(await response.Content.ReadAsStringAsync(), 300)}");
                else if (status >= 400 && await ProblemErrorAsync(response, status) is { } error) Failures.Add($"{where}: {status} {error}");
                return status;
            }
        }

        private static async Task<string?> ProblemErrorAsync(HttpResponseMessage response, int status)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                return $"content type {response.Content.Headers.ContentType?.MediaType ?? "none"}, body '{Short(text, 200)}'";
            try
            {
                var body = JsonNode.Parse(text);
                if (body?["status"]?.GetValue<int>() != status) return $"problem status {body?["status"]} in {Short(text, 200)}";
                return body["title"]?.GetValue<string>() is { Length: > 0 } ? null : $"problem without a title: {Short(text, 200)}";
            }
            catch (JsonException)
            {
                return $"not JSON: {Short(text, 200)}";
            }
        }

        private string PathValue(string path, string name) => name switch
        {
            "offeringId" => ids["offering"],
            "sessionId" => ids["session"],
            "schoolId" => ids["school"],
            "semester" => "2026-2027-1",
            "code" when path.EndsWith("/family-fees", StringComparison.Ordinal) => "110105", // the fuzzing bureau's own district (another is 403 for all)
            "id" when path.StartsWith("/api/providers", StringComparison.Ordinal) => ids["provider"],
            "id" when path.StartsWith("/api/offerings", StringComparison.Ordinal) => ids["transitions"],
            "id" when path.StartsWith("/api/bookings", StringComparison.Ordinal) => ids["booking"],
            _ => new Guid(random.Next(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).ToString(),
        };

        private static string UrlOf(Operation op, Func<string, string> value) =>
            System.Text.RegularExpressions.Regex.Replace(op.Path, @"\{([^}]+)\}", m => value(m.Groups[1].Value));

        private static string Sep(string url) => url.Contains('?', StringComparison.Ordinal) ? "&" : "?";

        private static byte[]? Bytes(JsonNode? body) => body is null ? null : Encoding.UTF8.GetBytes(body.ToJsonString());

        private static string FirstProperty(JsonNode body) => body.AsObject().FirstOrDefault().Key ?? "a"; // a body of optional fields only may be {}

        private static string Short(string text, int length = 40) => text.Length <= length ? text : text[..length] + $"…({text.Length})";
    }

    private static StringContent JsonContent(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>A valid body for each request schema of the API; a schema not listed here gets an empty object.</summary>
    private static JsonNode Example(string schema, string sessionId)
    {
        var year = DateTime.UtcNow.Year + 1;
        var start = Demo.SchoolDay(DateTimeOffset.UtcNow.AddDays(5));
        object body = schema switch
        {
            "TokenRequest" => new { username = "school1", password = MarketplaceFactory.Password },
            "RegisterProviderRequest" => new
            {
                name = "模糊测试科技协会", kind = "ScienceAssociation", creditCode = "91350100M000100Y43", contactName = "赵老师", contactPhone = "13912345678",
                districts = new[] { "110108" }, username = "fuzzprovider", password = "Fuzz@2026a",
            },
            "OfferingInput" => Demo.OfferingBody("模糊测试课程"),
            "VenueInput" => new { address = "北京市朝阳区北辰东路 5 号", lat = 39.99, lon = 116.40 },
            "ScheduleSessionsRequest" => new { startsAt = start, endsAt = start.AddHours(1), capacity = 10 },
            "RecurrenceInput" => new { daysOfWeek = new[] { "Tuesday" }, startTime = "15:40", endTime = "17:10", from = $"{year}-03-01", to = $"{year}-04-01", skipDates = Array.Empty<string>() },
            "ReasonRequest" => new { reason = "时间冲突，无法安排" },
            "DecisionRequest" => new { note = "材料齐全" },
            "VettingRequest" => new { note = "材料齐全", district = "110105" },
            "DistrictReasonRequest" => new { reason = "家长投诉，核查期间暂停", district = "110105" },
            "DistrictRequest" => new { district = "110105" },
            "ApplyDistrictsRequest" => new { districts = new[] { "330106" } },
            "BookingActionRequest" => new { reason = "学校活动调整", attended = 5 },
            "CreateBookingRequest" => new { sessionId, pupils = 5, grades = new[] { 3 }, contactName = "王老师", contactPhone = "13800000000", note = "" },
            "CreateSeriesRequest" => new
            {
                offeringId = Guid.NewGuid(), sessionIds = new[] { sessionId }, pupils = 5, grades = new[] { 3 }, className = "四（2）班", teacherName = "王老师",
                contactName = "王老师", contactPhone = "13800000000", note = "", allowPartial = false,
            },
            "JoinWaitlistRequest" => new { pupils = 5, grades = new[] { 3 }, contactName = "王老师", contactPhone = "13800000000", note = "" },
            "SchoolPlanInput" => new
            {
                targetCategories = new[] { "Science" }, windows = new[] { new { dayOfWeek = "Tuesday", start = "15:40", end = "17:10" } },
                pupilsExpected = new Dictionary<string, int> { ["Science"] = 40 }, budgetFen = 100_000,
            },
            "PlanWindow" => new { dayOfWeek = "Tuesday", start = "15:40", end = "17:10" },
            "ChangePasswordRequest" => new { currentPassword = "Not-the@2026pw", newPassword = "Fuzz@2026new" },
            "AddUserRequest" => new { username = "fuzz-staff", displayName = "模糊测试", password = "Fuzz@2026a", orgRole = "Staff" },
            "ResetPasswordRequest" => new { newPassword = "Fuzz@2026reset" },
            "DisableRequest" => new { reason = "模糊测试" },
            "DistrictInput" => new { code = "110199", name = "模糊测试区", city = "北京市", province = "北京市" },
            "CreateBureauRequest" => new { name = "模糊测试区教育局", level = "District", district = "110108", firstUser = new { username = "fuzz-bureau", displayName = "模糊测试", password = "Fuzz@2026a" } },
            "FirstUserInput" => new { username = "fuzz-bureau", displayName = "模糊测试", password = "Fuzz@2026a" },
            _ => new { },
        };
        return JsonSerializer.SerializeToNode(body, Json.Options)!;
    }
}
