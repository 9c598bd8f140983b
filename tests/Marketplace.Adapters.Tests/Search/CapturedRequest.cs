namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// One request the Elasticsearch client sent to the in-memory transport; paths always start with '/'. Timeout: the request
/// timeout the transport would have applied to it.
/// </summary>
public sealed record CapturedRequest(string Method, string PathAndQuery, string? Body, TimeSpan? Timeout = null)
{
    public string PathAndQuery { get; } = "/" + PathAndQuery.TrimStart('/');

    public string Path => PathAndQuery.Split('?')[0];
}
