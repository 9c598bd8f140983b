using System.Text.Json.Serialization;
using Marketplace.Api.Configuration;
using Marketplace.Api.Errors;
using Marketplace.Api.Localization;
using Marketplace.Api.Seed;
using Marketplace.Core.Shared;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace Marketplace.Api.Hosting;

/// <summary>Cross-cutting concerns: JSON, problem details, request limits, OpenAPI, health, metrics, request logging, rate limits, proxies.</summary>
public static class HostingSetup
{
    public static IServiceCollection AddMarketplaceHosting(this IServiceCollection s, MarketplaceSettings settings)
    {
        s.AddHostedService<StartupInitializer>(); // first: hosted services start in order, the others need the schema
        s.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new StrictEnumConverter());
            o.SerializerOptions.Converters.Add(new LenientTimeOnlyConverter());
            o.SerializerOptions.Converters.Add(new ChinaTimeJsonConverter()); // every instant out in +08:00
            o.SerializerOptions.Converters.Add(new FiniteNumberConverter());
            // Chinese text and <em> highlights stay readable; responses are JSON, never inlined into HTML.
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        // Unreadable bodies and parameters throw (as in Development) so that ProblemMapping names the field in every environment.
        s.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        s.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ProblemTitles.Apply(ctx);
            ctx.ProblemDetails.Extensions["traceId"] = ctx.HttpContext.TraceIdentifier;
        });
        s.AddExceptionHandler<ProblemMapping>();
        s.AddMarketplaceLocalization();
        s.AddOpenApi(OpenApiSetup.Configure);
        s.TryAddEnumerable(ServiceDescriptor.Transient<Microsoft.AspNetCore.Mvc.ApiExplorer.IApiDescriptionProvider, OpenApiProblems>());
        s.AddRequestLimits(settings);
        s.AddMarketplaceRateLimits(settings.LoginsPerMinute);
        s.AddTrustedProxies(settings.TrustedProxies);
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
        s.AddSingleton<DemoSeeder>();
        return s;
    }

    public static void UseMarketplaceHosting(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseHttpLogging();
        app.UseMarketplaceLocalization(); // before the handlers below, so that their problems are in the request's language
        app.UseExceptionHandler();
        app.UseStatusCodePages(ProblemTitles.WriteAsync); // every 4xx without a body of its own gets a problem body (401, 404, 405, 413, 415 …)
        app.UseRequestLimits();
        app.UseMetricsAccess();
        app.UseUnknownRoutesAsNotFound(); // a malformed id or an unknown URL: 404, never the fallback policy's 401
        app.UseAuthentication();
        app.UseMiddleware<Auth.CallerStandingMiddleware>(); // a disabled user's or organisation's token, or one with an old stamp: 401
        app.UseAuthorization();
        app.UseRateLimiter();
        if (app.Environment.IsDevelopment()) app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));
    }

    public static void MapOperations(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("课后服务资源对接平台 API")).AllowAnonymous();
        app.MapRealtimeDoc(); // linked from the OpenAPI description
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint(MetricsAccess.Path).AllowAnonymous(); // networks: MetricsAccess
    }

    /// <summary>
    /// The README's address when nothing else names one. launchSettings.json names none on purpose: `dotnet run` would put
    /// its applicationUrl into ASPNETCORE_URLS and override the caller's, so two instances could not run side by side.
    /// </summary>
    public static void UseDefaultUrlUnlessConfigured(this WebApplicationBuilder builder, string url)
    {
        var c = builder.Configuration;
        var named = !string.IsNullOrEmpty(c["urls"]) || !string.IsNullOrEmpty(c["http_ports"]) || !string.IsNullOrEmpty(c["https_ports"])
            || c.GetSection("Kestrel:Endpoints").Exists();
        if (!named) builder.WebHost.UseUrls(url);
    }
}
