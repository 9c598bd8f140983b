namespace Marketplace.Api.Hosting;

/// <summary>
/// docs/realtime.md (the hub's methods, events and payloads), embedded at build time and served by the host, so the link in
/// the OpenAPI description works on a district intranet without the repository.
/// </summary>
internal static class RealtimeDoc
{
    public const string Path = "/docs/realtime.md";

    public static void MapRealtimeDoc(this WebApplication app)
    {
        using var stream = typeof(RealtimeDoc).Assembly.GetManifestResourceStream("Marketplace.Api.docs.realtime.md")
            ?? throw new InvalidOperationException("docs/realtime.md is not embedded.");
        var text = new StreamReader(stream).ReadToEnd();
        app.MapGet(Path, () => TypedResults.Text(text, "text/markdown; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
    }
}
