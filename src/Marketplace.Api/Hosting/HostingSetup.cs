using System.Text.Json.Serialization;
using Marketplace.Api.Errors;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace Marketplace.Api.Hosting;

/// <summary>Cross-cutting concerns: JSON, problem details, OpenAPI, health, metrics, request logging, rate limits, proxies.</summary>
public static class HostingSetup
{
    public static void AddMarketplaceHosting(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new StrictEnumConverter());
            o.SerializerOptions.Converters.Add(new LenientTimeOnlyConverter());
            o.SerializerOptions.Converters.Add(new ChinaTimeConverter());
            // Chinese text and <em> highlights stay readable; responses are JSON, never inlined into HTML.
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        // Unreadable bodies and parameters throw (as in Development) so that ProblemMapping names the field in every environment.
        s.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        s.AddProblemDetails(o => o.CustomizeProblemDetails = ctx => ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier);
        s.AddExceptionHandler<ProblemMapping>();
        s.AddOpenApi();
        s.AddMarketplaceRateLimits(PositiveOrFail(builder.Configuration, "Marketplace:LoginsPerMinute", 30, "a whole number of requests per minute, e.g. 30"));
        s.AddTrustedProxies(builder.Configuration);
        s.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        s.AddHealthChecks()
            .AddCheck("live", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<IndexHealthCheck>("index", tags: ["ready"], timeout: TimeSpan.FromSeconds(3));
        s.AddOpenTelemetry().WithMetrics(m => m
            .AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddMeter("Marketplace").AddPrometheusExporter());
    }

    public static void UseMarketplaceHosting(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseHttpLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        if (app.Environment.IsDevelopment()) app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
    }

    public static void MapOperations(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("课后服务资源对接平台 API")).AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
    }

    /// <summary>A positive whole number from configuration, or a start-up failure naming the key.</summary>
    private static int PositiveOrFail(IConfiguration configuration, string key, int fallback, string expected)
    {
        var raw = configuration[key];
        if (string.IsNullOrWhiteSpace(raw)) return fallback;
        return int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value : throw new InvalidOperationException($"Invalid configuration:{Environment.NewLine} - {key} must be {expected} (was '{raw}').");
    }
}
