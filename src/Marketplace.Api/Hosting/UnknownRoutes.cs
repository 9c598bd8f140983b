using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;

namespace Marketplace.Api.Hosting;

/// <summary>
/// A URL that names no resource — <c>/api/offerings/abc/sessions</c>, an id that is not a GUID — is 404 for everyone, signed
/// in or not, under any method. Without this, two framework answers leak through: the authorization fallback policy
/// (endpoints are closed unless they say otherwise) also covers requests that matched no endpoint, so an anonymous caller
/// got 401; and routing tests the method before the <c>:guid</c> constraint, so a malformed id under a method the path
/// shape has elsewhere got 405. A real resource asked with the wrong method keeps its 405.
/// </summary>
internal static class UnknownRoutes
{
    /// <summary>After status code pages (which write the 404's problem body), before authentication.</summary>
    public static void UseUnknownRoutesAsNotFound(this WebApplication app)
    {
        var routes = new Lazy<RouteTable>(() => new RouteTable(
            app.Services.GetRequiredService<EndpointDataSource>(), app.Services.GetRequiredService<ParameterPolicyFactory>()));
        app.Use((http, next) =>
        {
            // Every endpoint the host maps is a RouteEndpoint; any other one is routing's own 405 rejection.
            var endpoint = http.GetEndpoint();
            if (endpoint is RouteEndpoint) return next(http);
            var allowed = routes.Value.MethodsMatching(http);
            if (endpoint is not null && allowed.Count > 0) return next(http);
            http.SetEndpoint(null);
            if (allowed.Count > 0 && !allowed.Contains(http.Request.Method))
            {
                // Routing made no 405 because a GET candidate was there but refused the path: the static files' fallback
                // ({**path:file}) is a GET candidate for every path. The resource exists under other methods: 405.
                http.Response.Headers.Allow = string.Join(", ", allowed.Order(StringComparer.Ordinal));
                http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return Task.CompletedTask;
            }
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    /// <summary>Whether any mapped route, with its constraints, matches the path under some method.</summary>
    private sealed class RouteTable(EndpointDataSource source, ParameterPolicyFactory policies)
    {
        private readonly (RoutePattern Pattern, TemplateMatcher Matcher, IReadOnlyList<string> Methods)[] _routes = source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => !IsFallback(e.RoutePattern))
            .Select(e => (e.RoutePattern, new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults)),
                e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? AnyMethod))
            .ToArray();

        /// <summary>A catch-all of its own (the static files' "{**path:file}"): it names no resource.</summary>
        private static bool IsFallback(RoutePattern pattern) => pattern.PathSegments.Count == 1 && pattern.Parameters is [{ IsCatchAll: true }];

        /// <summary>A route without method metadata (the hub, health checks) takes any method.</summary>
        private static readonly IReadOnlyList<string> AnyMethod = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

        /// <summary>The methods of the mapped routes that match the path with their constraints (empty: no route does).</summary>
        public HashSet<string> MethodsMatching(HttpContext http) => _routes.Where(route =>
        {
            var values = new RouteValueDictionary();
            return route.Matcher.TryMatch(http.Request.Path, values) && route.Pattern.ParameterPolicies.All(parameter => parameter.Value.All(reference =>
                policies.Create(route.Pattern.GetParameter(parameter.Key), reference) is not IRouteConstraint constraint
                || constraint.Match(http, null, parameter.Key, values, RouteDirection.IncomingRequest)));
        }).SelectMany(route => route.Methods).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
