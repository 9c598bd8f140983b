using System.Text;
using Elastic.Transport;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>
/// An Elasticsearch transport that never opens a socket: it records each request (method, path, body) and
/// answers from <c>respond</c>, with the product header the client insists on.
/// </summary>
public sealed class CapturingRequestInvoker(Func<CapturedRequest, (int Status, string Body)> respond) : IRequestInvoker
{
    private readonly List<CapturedRequest> _requests = [];

    public IReadOnlyList<CapturedRequest> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    // The stock response factory (the class itself is internal), borrowed from the library's own in-memory invoker.
    public ResponseFactory ResponseFactory { get; } = new InMemoryRequestInvoker().ResponseFactory;

    public async Task<TResponse> RequestAsync<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData, CancellationToken cancellationToken)
        where TResponse : TransportResponse, new()
    {
        string? body = null;
        if (postData is not null)
        {
            using var buffer = new MemoryStream();
            await postData.WriteAsync(buffer, boundConfiguration.ConnectionSettings, false, cancellationToken);
            body = Encoding.UTF8.GetString(buffer.ToArray());
        }
        var request = new CapturedRequest(endpoint.Method.ToString().ToUpperInvariant(), endpoint.PathAndQuery, body, boundConfiguration.RequestTimeout);
        lock (_requests) _requests.Add(request);
        var (status, responseBody) = respond(request);
        var bytes = Encoding.UTF8.GetBytes(responseBody);
        var headers = new Dictionary<string, IEnumerable<string>> { ["x-elastic-product"] = ["Elasticsearch"] };
        return await ResponseFactory.CreateAsync<TResponse>(
            endpoint, boundConfiguration, postData, null, status, headers, new MemoryStream(bytes), "application/json", bytes.Length, null, null, cancellationToken);
    }

    public TResponse Request<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData)
        where TResponse : TransportResponse, new() =>
        RequestAsync<TResponse>(endpoint, boundConfiguration, postData, CancellationToken.None).GetAwaiter().GetResult();

    public void Dispose() { }
}
