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
            if (endpoint is RouteEndpoint || endpoint is not null && routes.Value.Matches(http)) return next(http);
            http.SetEndpoint(null);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    /// <summary>Whether any mapped route, with its constraints, matches the path under some method.</summary>
    private sealed class RouteTable(EndpointDataSource source, ParameterPolicyFactory policies)
    {
        private readonly (RoutePattern Pattern, TemplateMatcher Matcher)[] _routes = source.Endpoints.OfType<RouteEndpoint>()
            .Select(e => (e.RoutePattern, new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults))))
            .ToArray();

        public bool Matches(HttpContext http) => _routes.Any(route =>
        {
            var values = new RouteValueDictionary();
            return route.Matcher.TryMatch(http.Request.Path, values) && route.Pattern.ParameterPolicies.All(parameter => parameter.Value.All(reference =>
                policies.Create(route.Pattern.GetParameter(parameter.Key), reference) is not IRouteConstraint constraint
                || constraint.Match(http, null, parameter.Key, values, RouteDirection.IncomingRequest)));
        });
    }
}
