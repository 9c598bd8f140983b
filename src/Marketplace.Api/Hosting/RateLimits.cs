using Marketplace.Api.Localization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Marketplace.Api.Hosting;

/// <summary>Per-client limits. ASP.NET answers 503 by default; a throttled client must see 429 with Retry-After.</summary>
public static class RateLimits
{
    public const string Login = "login";

    public static void AddMarketplaceRateLimits(this IServiceCollection services, int loginsPerMinute) => services.AddRateLimiter(o =>
    {
        o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        o.OnRejected = (ctx, _) =>
        {
            ctx.HttpContext.Response.Headers.RetryAfter = "60";
            return new ValueTask(Results.Problem(statusCode: 429, title: ctx.HttpContext.Render(new("request.too-many"))).ExecuteAsync(ctx.HttpContext));
        };
        o.AddPolicy(Login, http => RateLimitPartition.GetFixedWindowLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "local",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = loginsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    });
}
