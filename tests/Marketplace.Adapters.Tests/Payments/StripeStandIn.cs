using System.Collections.Specialized;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;

namespace Marketplace.Adapters.Tests.Payments;

/// <summary>
/// A local stand-in for Stripe's PaymentIntents API on 127.0.0.1: POST /v1/payment_intents, GET /v1/payment_intents/{id} and
/// GET /v1/payment_intents (created[gte|lt], limit, starting_after, has_more), and POST /v1/refunds, answering with Stripe's
/// documented objects and errors. A PaymentIntent created with confirm=true and payment_method_data[type]=wechat_pay answers
/// requires_action with next_action.wechat_pay_display_qr_code (image_data_url: a data: URL of a PNG), as Stripe does. Idempotency-Key works like Stripe's: a key seen before replays the stored answer (Idempotent-Replayed: true) and
/// creates nothing; the same key with other parameters is a 400 idempotency_error.
/// </summary>
public sealed class StripeStandIn : IAsyncLifetime
{
    public const string SecretKey = "sk_test_standin";

    private readonly object gate = new();
    private readonly List<JsonObject> intents = [];
    private readonly List<JsonObject> refunds = [];
    private readonly Dictionary<string, (string Body, int Status, string Answer)> idempotent = [];
    private readonly List<Recorded> requests = [];
    private HttpListener listener = null!;
    private Task loop = Task.CompletedTask;
    private int slowAnswers;
    private TimeSpan slowBy;
    private int sequence;

    public record Recorded(string Method, string Path, NameValueCollection Query, NameValueCollection Headers, string ContentType, NameValueCollection Form);

    public string ApiBase { get; private set; } = "";

    /// <summary>A list page holds at most this many (Stripe's own cap is 100), so tests can page with few objects.</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Answers a request instead of the stand-in (status, JSON body); null lets the stand-in answer.</summary>
    public Func<Recorded, (int Status, string Body)?>? Override { get; set; }

    public IReadOnlyList<Recorded> Requests { get { lock (gate) return [.. requests]; } }

    public IReadOnlyList<JsonObject> Intents { get { lock (gate) return [.. intents]; } }

    public IReadOnlyList<JsonObject> Refunds { get { lock (gate) return [.. refunds]; } }

    /// <summary>The status a new Refund gets: Stripe answers succeeded for most methods, pending for some (WeChat Pay can be).</summary>
    public string RefundStatus { get; set; } = "succeeded";

    /// <summary>A 1×1 PNG, as a data: URL — what Stripe's image_data_url is (a real QR code is just a bigger PNG).</summary>
    public const string QrDataUrl = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";

    public Task InitializeAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                ApiBase = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close(); // another process took the port between probe and start
            }
        }
        loop = Task.Run(AcceptAsync);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }

    public void Reset()
    {
        lock (gate)
        {
            intents.Clear();
            refunds.Clear();
            idempotent.Clear();
            requests.Clear();
            slowAnswers = 0;
        }
        MaxPageSize = 100;
        RefundStatus = "succeeded";
        Override = null;
    }

    /// <summary>The next <paramref name="count"/> answers to a create (PaymentIntent or Refund) are held back this long — after the object is stored.</summary>
    public void DelayNextCreates(int count, TimeSpan by)
    {
        lock (gate) (slowAnswers, slowBy) = (count, by);
    }

    /// <summary>A PaymentIntent made elsewhere (another request, the dashboard), created at <paramref name="created"/>.</summary>
    public string Seed(long amount, DateTimeOffset created, string status = "succeeded", Guid? paymentId = null)
    {
        var metadata = new JsonObject();
        if (paymentId is { } id) metadata["payment_id"] = id.ToString();
        lock (gate)
        {
            var intent = Intent(amount, "cny", "seeded", "acct_seeded", metadata, created.ToUnixTimeSeconds(), status);
            intents.Add(intent);
            return (string)intent["id"]!;
        }
    }

    /// <summary>What Stripe does when the payer confirms (succeeded) or the payment is cancelled (canceled).</summary>
    public void SetStatus(string id, string status)
    {
        lock (gate) intents.Single(i => (string)i["id"]! == id)["status"] = status;
    }

    private async Task AcceptAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(context));
        }
    }

    private async Task ServeAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync();
        var path = request.Url!.AbsolutePath;
        var recorded = new Recorded(request.HttpMethod, path, HttpUtility.ParseQueryString(request.Url.Query),
            new NameValueCollection(request.Headers), request.ContentType ?? "", HttpUtility.ParseQueryString(body));
        TimeSpan delay = TimeSpan.Zero;
        lock (gate) requests.Add(recorded);
        var (status, answer, replayed) = Override?.Invoke(recorded) is { } custom ? (custom.Status, custom.Body, false) : Answer(recorded, body, ref delay);
        if (delay > TimeSpan.Zero) await Task.Delay(delay);
        try
        {
            var response = context.Response;
            response.StatusCode = status;
            response.ContentType = "application/json";
            response.Headers["Request-Id"] = "req_" + Interlocked.Increment(ref sequence);
            if (replayed) response.Headers["Idempotent-Replayed"] = "true";
            if (status >= 500) response.Headers["Stripe-Should-Retry"] = "false"; // Stripe: the idempotency layer would replay it
            var bytes = Encoding.UTF8.GetBytes(answer);
            await response.OutputStream.WriteAsync(bytes);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client gave up waiting (its timeout): the PaymentIntent exists, the answer is lost — which is the point.
        }
    }

    private (int Status, string Body, bool Replayed) Answer(Recorded r, string body, ref TimeSpan delay)
    {
        if (r.Headers["Authorization"] != "Bearer " + SecretKey)
            return (401, Error("invalid_request_error", null, "Invalid API Key provided."), false);
        lock (gate)
        {
            if (r.Method == "POST" && r.Path == "/v1/payment_intents")
            {
                if (slowAnswers > 0)
                {
                    slowAnswers--;
                    delay = slowBy;
                }
                return Create(r, body);
            }
            if (r.Method == "POST" && r.Path == "/v1/refunds")
            {
                if (slowAnswers > 0)
                {
                    slowAnswers--;
                    delay = slowBy;
                }
                return CreateRefund(r, body);
            }
            if (r.Method == "GET" && r.Path == "/v1/payment_intents")
                return (200, List(r.Query), false);
            if (r.Method == "GET" && r.Path.StartsWith("/v1/payment_intents/", StringComparison.Ordinal))
            {
                var id = r.Path["/v1/payment_intents/".Length..];
                var intent = intents.SingleOrDefault(i => (string)i["id"]! == id);
                return intent is null
                    ? (404, Error("invalid_request_error", "resource_missing", $"No such payment_intent: '{id}'", "intent"), false)
                    : (200, intent.ToJsonString(), false);
            }
        }
        return (404, Error("invalid_request_error", null, $"Unrecognized request URL ({r.Method}: {r.Path})."), false);
    }

    private (int, string, bool) Create(Recorded r, string body)
    {
        var key = r.Headers["Idempotency-Key"];
        if (key is not null && idempotent.TryGetValue(key, out var earlier))
        {
            return earlier.Body == body
                ? (earlier.Status, earlier.Answer, true)
                : (400, Error("idempotency_error", null, "Keys for idempotent requests can only be used with the same parameters they were first used with."), false);
        }
        var form = r.Form;
        if (!long.TryParse(form["amount"], out var amount) || amount < 1)
            return (400, Error("invalid_request_error", "parameter_missing", "Missing required param: amount.", "amount"), false);
        if (string.IsNullOrEmpty(form["currency"]))
            return (400, Error("invalid_request_error", "parameter_missing", "Missing required param: currency.", "currency"), false);
        var metadata = new JsonObject();
        foreach (var name in form.AllKeys.OfType<string>().Where(k => k.StartsWith("metadata[", StringComparison.Ordinal)))
            metadata[name["metadata[".Length..^1]] = form[name];
        var wechat = form["confirm"] == "true" && form["payment_method_data[type]"] == "wechat_pay";
        var intent = Intent(amount, form["currency"]!, form["description"], form["transfer_data[destination]"], metadata,
            DateTimeOffset.UtcNow.ToUnixTimeSeconds(), wechat ? "requires_action" : "requires_payment_method");
        if (wechat)
        {
            intent["payment_method_types"] = new JsonArray("wechat_pay");
            intent["next_action"] = new JsonObject
            {
                ["type"] = "wechat_pay_display_qr_code",
                ["wechat_pay_display_qr_code"] = new JsonObject
                {
                    ["data"] = "weixin://wxpay/bizpayurl?pr=standin",
                    ["hosted_instructions_url"] = "https://payments.stripe.com/wechat_pay/qr/standin",
                    ["image_data_url"] = QrDataUrl,
                    ["image_url_png"] = "https://qr.stripe.com/standin.png",
                    ["image_url_svg"] = "https://qr.stripe.com/standin.svg",
                },
            };
        }
        intents.Add(intent);
        var answer = intent.ToJsonString();
        if (key is not null) idempotent[key] = (body, 200, answer);
        return (200, answer, false);
    }

    /// <summary>A Refund on a PaymentIntent that succeeded, at most what it received less earlier refunds (Stripe's amount_too_large otherwise).</summary>
    private (int, string, bool) CreateRefund(Recorded r, string body)
    {
        var key = r.Headers["Idempotency-Key"];
        if (key is not null && idempotent.TryGetValue(key, out var earlier))
        {
            return earlier.Body == body
                ? (earlier.Status, earlier.Answer, true)
                : (400, Error("idempotency_error", null, "Keys for idempotent requests can only be used with the same parameters they were first used with."), false);
        }
        var form = r.Form;
        var intent = intents.SingleOrDefault(i => (string)i["id"]! == form["payment_intent"]);
        (int, string, bool) Refuse(string code, string message, string param)
        {
            var answer = Error("invalid_request_error", code, message, param);
            if (key is not null) idempotent[key] = (body, 400, answer); // Stripe keeps a refusal under its key too
            return (400, answer, false);
        }
        if (intent is null) return Refuse("resource_missing", $"No such payment_intent: '{form["payment_intent"]}'", "payment_intent");
        if ((string)intent["status"]! != "succeeded") return Refuse("charge_not_refundable", "This PaymentIntent has not succeeded.", "payment_intent");
        var id = (string)intent["id"]!;
        var left = (long)intent["amount"]! - refunds.Where(x => (string)x["payment_intent"]! == id && (string)x["status"]! != "failed").Sum(x => (long)x["amount"]!);
        var amount = long.TryParse(form["amount"], out var a) ? a : left;
        if (amount < 1 || amount > left)
            return Refuse("amount_too_large", $"Refund amount ({amount}) is greater than unrefunded amount on charge ({left}).", "amount");
        var metadata = new JsonObject();
        foreach (var name in form.AllKeys.OfType<string>().Where(k => k.StartsWith("metadata[", StringComparison.Ordinal)))
            metadata[name["metadata[".Length..^1]] = form[name];
        var refund = new JsonObject
        {
            ["id"] = $"re_{Interlocked.Increment(ref sequence):D6}standin",
            ["object"] = "refund",
            ["amount"] = amount,
            ["charge"] = $"ch_{id[3..]}",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["currency"] = (string)intent["currency"]!,
            ["metadata"] = metadata,
            ["payment_intent"] = id,
            ["reason"] = form["reason"],
            ["status"] = RefundStatus,
            ["transfer_reversal"] = form["reverse_transfer"] == "true" ? $"trr_{sequence}standin" : null,
        };
        refunds.Add(refund);
        var json = refund.ToJsonString();
        if (key is not null) idempotent[key] = (body, 200, json);
        return (200, json, false);
    }

    /// <summary>Newest first, as Stripe lists; a page ends after <c>starting_after</c>'s object.</summary>
    private string List(NameValueCollection query)
    {
        var gte = long.TryParse(query["created[gte]"], out var g) ? g : long.MinValue;
        var lt = long.TryParse(query["created[lt]"], out var l) ? l : long.MaxValue;
        var limit = Math.Min(int.TryParse(query["limit"], out var n) ? n : 10, MaxPageSize);
        var matching = intents.Where(i => (long)i["created"]! >= gte && (long)i["created"]! < lt)
            .OrderByDescending(i => (long)i["created"]!).ThenByDescending(i => (string)i["id"]!, StringComparer.Ordinal).ToList();
        if (query["starting_after"] is { } after)
            matching = matching.SkipWhile(i => (string)i["id"]! != after).Skip(1).ToList();
        var page = new JsonArray([.. matching.Take(limit).Select(i => i.DeepClone())]);
        return new JsonObject { ["object"] = "list", ["url"] = "/v1/payment_intents", ["has_more"] = matching.Count > limit, ["data"] = page }.ToJsonString();
    }

    private JsonObject Intent(long amount, string currency, string? description, string? destination, JsonObject metadata, long created, string status)
    {
        var id = $"pi_{created:x}{Interlocked.Increment(ref sequence):D6}standin";
        return new JsonObject
        {
            ["id"] = id,
            ["object"] = "payment_intent",
            ["amount"] = amount,
            ["amount_capturable"] = 0,
            ["amount_received"] = status == "succeeded" ? amount : 0,
            ["capture_method"] = "automatic",
            ["client_secret"] = $"{id}_secret_standin",
            ["confirmation_method"] = "automatic",
            ["created"] = created,
            ["currency"] = currency,
            ["description"] = description,
            ["last_payment_error"] = null,
            ["livemode"] = false,
            ["metadata"] = metadata,
            ["payment_method_types"] = new JsonArray("card"),
            ["status"] = status,
            ["transfer_data"] = destination is null ? null : new JsonObject { ["destination"] = destination },
        };
    }

    public static string Error(string type, string? code, string message, string? param = null, JsonObject? paymentIntent = null)
    {
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null) error["code"] = code;
        if (param is not null) error["param"] = param;
        if (paymentIntent is not null) error["payment_intent"] = paymentIntent;
        return new JsonObject { ["error"] = error }.ToJsonString();
    }
}
