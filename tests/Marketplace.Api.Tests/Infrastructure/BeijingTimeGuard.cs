using System.Text.RegularExpressions;

namespace Marketplace.Api.Tests.Infrastructure;

/// <summary>
/// Every JSON answer the tests receive is checked: an ISO 8601 instant in it must carry +08:00 (Asia/Shanghai), never
/// Z or another offset. So every journey of the suite doubles as a check of the one time format (issue 11). Every answer
/// also checks that no message the server rendered lacked its resource or took the wrong arguments (MessageRenderer.Defects).
/// </summary>
public sealed partial class BeijingTimeGuard : DelegatingHandler
{
    [GeneratedRegex(@"""(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2})""")]
    private static partial Regex Instant();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var defects = Marketplace.Api.Localization.MessageRenderer.Defects;
        if (!defects.IsEmpty)
        {
            var found = defects.Keys.Select(k => defects.TryRemove(k, out var why) ? $"{k} ({why})" : null).OfType<string>().ToList();
            if (found.Count > 0) // reported once, by the test whose request (or a parallel one's) rendered it
                throw new InvalidOperationException("messages without a resource or with the wrong arguments: " + string.Join("; ", found));
        }
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true) return response;
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var wrong = Instant().Matches(body).Where(m => m.Groups[2].Value != "+08:00").Select(m => m.Value).Take(3).ToArray();
        if (wrong.Length > 0)
            throw new InvalidOperationException($"{request.Method} {request.RequestUri?.PathAndQuery} answered instants not in +08:00: {string.Join(", ", wrong)}");
        return response;
    }
}
