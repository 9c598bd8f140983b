using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Transport;
using Marketplace.Core.Search;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// The production offering index. Everything goes through the alias; a rebuild fills a fresh concrete index
/// and moves the alias in one <c>_aliases</c> call. Writes use external versions (outbox cursors), removals
/// included — a removal is a marker document, not a delete — so a stale or replayed event can never overwrite
/// a newer state.
/// </summary>
internal sealed class ElasticsearchOfferingIndex(ElasticsearchClient client, IOptions<ElasticsearchIndexOptions> options, TimeProvider time)
    : IOfferingIndex, IDisposable
{
    private const int BulkBatch = 500;
    private static readonly TimeSpan MaxBulkRetryDelay = TimeSpan.FromSeconds(30);
    private readonly ElasticsearchIndexOptions _options = options.Value;
    private readonly (string Json, string Schema) _template = OfferingTemplate.RenderWithSchema(options.Value.IndexAlias, options.Value.Synonyms, options.Value.Words);
    private readonly EsDomainWords _words = new(options.Value.Words, options.Value.Synonyms);
    private readonly SemaphoreSlim _rebuildGate = new(1, 1);
    private readonly RequestConfiguration _search = new() { RequestTimeout = options.Value.SearchTimeout };
    private readonly RequestConfiguration _write = new() { RequestTimeout = options.Value.WriteTimeout };
    private readonly RequestConfiguration _bulk = new() { RequestTimeout = options.Value.BulkTimeout };
    private readonly RequestConfiguration _admin = new() { RequestTimeout = options.Value.AdminTimeout };
    private readonly RequestConfiguration _health = new() { RequestTimeout = options.Value.HealthTimeout };
    private volatile string? _rebuildTarget;

    private string Alias => _options.IndexAlias;

    private Refresh? WriteRefresh => _options.RefreshOnWrite ? Refresh.WaitFor : null;

    /// <summary>
    /// Puts the template, and creates the first index behind the alias when there is none. True (rebuild from the store)
    /// unless the index behind the alias carries this template's schema stamp, which only a completed rebuild gives it:
    /// the first index is created empty and unstamped (a failed first rebuild is retried at the next start), and an index
    /// made from another template needs a new one (a template only applies to indices created after it).
    /// </summary>
    public async Task<bool> InitializeAsync(CancellationToken ct = default)
    {
        var (template, schema) = _template;
        var put = await RawAsync(Elastic.Transport.HttpMethod.PUT, $"/_index_template/{Alias}", template, ct);
        if (!put.ApiCallDetails.HasSuccessfulStatusCode)
            throw new InvalidOperationException($"Elasticsearch refused the index template: {put.ApiCallDetails.DebugInformation}");

        var exists = await client.Indices.ExistsAliasAsync(new ExistsAliasRequest(Alias) { RequestConfiguration = _admin }, ct);
        if (exists.Exists) return !await LiveIndexHasSchemaAsync(schema, ct);
        // A fixed first name: when two instances start on an empty cluster, the second create fails and the alias stays single.
        var create = await client.Indices.CreateAsync(
            new CreateIndexRequest($"{Alias}-v0") { Aliases = new Dictionary<Name, Alias> { [Alias] = new Alias() }, RequestConfiguration = _admin }, ct);
        if (!create.IsValidResponse && !(await client.Indices.ExistsAliasAsync(new ExistsAliasRequest(Alias) { RequestConfiguration = _admin }, ct)).Exists)
            throw new InvalidOperationException($"Could not create the first offerings index: {create.DebugInformation}");
        return true;
    }

    /// <summary>Whether every index behind the alias was filled by a rebuild under this template (its mapping's <c>_meta.schema</c>).</summary>
    private async Task<bool> LiveIndexHasSchemaAsync(string schema, CancellationToken ct)
    {
        var response = await RawAsync(Elastic.Transport.HttpMethod.GET, $"/{Alias}/_mapping", null, ct);
        if (!response.ApiCallDetails.HasSuccessfulStatusCode)
            throw new InvalidOperationException($"Could not read the mapping behind alias {Alias}: {response.ApiCallDetails.DebugInformation}");
        var indices = System.Text.Json.Nodes.JsonNode.Parse(response.Body)!.AsObject();
        return indices.Count > 0 && indices.All(i => i.Value?["mappings"]?["_meta"]?["schema"]?.GetValue<string>() == schema);
    }

    /// <summary>
    /// Reachable, and the alias names exactly one index: writes through a missing alias are refused (see
    /// <see cref="IndexAsync"/>), and so are writes through an alias left on two indices, whose searches count every hit twice.
    /// </summary>
    public async Task<bool> IsHealthyAsync(CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.HealthTimeout);
        try
        {
            var ping = await client.PingAsync(new PingRequest { RequestConfiguration = _health }, timeout.Token);
            if (ping.ApiCallDetails.HttpStatusCode != 200) return false; // a proxy's 404 is not a healthy cluster
            var alias = await client.Indices.GetAliasAsync(new GetAliasRequest(Names.Parse(Alias)) { RequestConfiguration = _health }, timeout.Token);
            return alias.IsValidResponse && alias.Aliases?.Count == 1;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return false; // timed out, unreachable, or not Elasticsearch at all
        }
    }

    public async Task UpsertAsync(OfferingDocument document, CancellationToken ct = default)
    {
        var offering = EsOffering.From(document);
        await IndexAsync(Alias, offering.Id, offering.Version, offering, ct);
        if (_rebuildTarget is { } target)
            await IndexAsync(target, offering.Id, offering.Version, offering, ct);
    }

    /// <summary>One bulk request through the alias (and one into a rebuild in progress), versioned as <see cref="UpsertAsync"/>.</summary>
    public async Task UpsertManyAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct = default)
    {
        if (documents.Count == 0) return;
        var offerings = documents.Select(EsOffering.From).ToList();
        await SendBulkAsync(Alias, [.. offerings], ct, live: true);
        if (_rebuildTarget is { } target)
            await SendBulkAsync(target, [.. offerings], ct, live: true);
    }

    /// <summary>
    /// Replaces the offering with a removal marker (<see cref="EsRemoval"/>) at the removal's version, through the alias:
    /// a versioned delete's tombstone lasts only <c>index.gc_deletes</c> (60 s), after which a late upsert from an older batch
    /// would bring the offering back for good, while the marker keeps refusing older versions until a newer upsert replaces
    /// it. Searches leave markers out (<see cref="EsSearchRequestFactory"/>). Being an index request, it can also require
    /// the alias, so a missing alias fails instead of auto-creating a plain index in its place.
    /// </summary>
    public async Task RemoveAsync(Guid offeringId, long version, CancellationToken ct = default)
    {
        var removal = new EsRemoval { Id = offeringId.ToString(), Version = version };
        await IndexAsync(Alias, removal.Id, version, removal, ct);
        // A rebuild in progress gets the marker too: its bulk carries the store snapshot's older version for this offering.
        if (_rebuildTarget is { } target)
            await IndexAsync(target, removal.Id, version, removal, ct);
    }

    public async Task<SearchResult> SearchAsync(OfferingQuery query, CancellationToken ct = default)
    {
        var request = EsSearchRequestFactory.Build(Alias, query, _words);
        request.RequestConfiguration = _search;
        var response = await client.SearchAsync<EsOffering>(request, ct);
        if (!response.IsValidResponse)
            throw new InvalidOperationException($"Elasticsearch search failed: {response.DebugInformation}");
        return EsSearchResultMapper.Map(response, query);
    }

    public Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct = default) => RebuildAsync(documents, null, ct);

    /// <summary>
    /// The epoch from the mapping's <c>_meta.storeEpoch</c> of the index behind the alias (null unless every index there has
    /// the same), and the highest <c>version</c> of any document there, removal markers included (a <c>max</c> aggregation):
    /// derived from the documents themselves, so nothing extra is written per batch and it can never lag them.
    /// </summary>
    public async Task<IndexWatermark> GetWatermarkAsync(CancellationToken ct = default)
    {
        var mapping = await RawAsync(Elastic.Transport.HttpMethod.GET, $"/{Alias}/_mapping", null, ct);
        if (!mapping.ApiCallDetails.HasSuccessfulStatusCode)
            throw new InvalidOperationException($"Could not read the mapping behind alias {Alias}: {mapping.ApiCallDetails.DebugInformation}");
        var epochs = System.Text.Json.Nodes.JsonNode.Parse(mapping.Body)!.AsObject()
            .Select(i => i.Value?["mappings"]?["_meta"]?[EpochMeta]?.GetValue<string>()).Distinct().ToList();
        var max = await RawAsync(Elastic.Transport.HttpMethod.POST, $"/{Alias}/_search", WatermarkQuery, ct);
        if (!max.ApiCallDetails.HasSuccessfulStatusCode)
            throw new InvalidOperationException($"Could not read the highest version behind alias {Alias}: {max.ApiCallDetails.DebugInformation}");
        var cursor = System.Text.Json.Nodes.JsonNode.Parse(max.Body)?["aggregations"]?["cursor"]?["value"]?.GetValue<double?>() ?? 0;
        return new IndexWatermark(epochs is [var only] ? only : null, (long)cursor);
    }

    internal const string EpochMeta = "storeEpoch";

    internal const string WatermarkQuery = """{"size":0,"track_total_hits":false,"aggs":{"cursor":{"max":{"field":"version"}}}}""";

    private const int ListPage = 1000;

    /// <summary>Pages through the offerings behind the alias by id (<c>search_after</c>), removal markers left out, reading only
    /// what verification compares.</summary>
    public async IAsyncEnumerable<IndexedOffering> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        string? after = null;
        while (true)
        {
            var body = ListQuery(after);
            var response = await RawAsync(Elastic.Transport.HttpMethod.POST, $"/{Alias}/_search", body, ct);
            if (!response.ApiCallDetails.HasSuccessfulStatusCode)
                throw new InvalidOperationException($"Could not list the offerings behind alias {Alias}: {response.ApiCallDetails.DebugInformation}");
            var hits = System.Text.Json.Nodes.JsonNode.Parse(response.Body)?["hits"]?["hits"]?.AsArray() ?? [];
            foreach (var hit in hits)
            {
                var source = hit!["_source"]!;
                var seats = (source["sessions"]?.AsArray() ?? []).Select(session => new SessionSlot(Guid.Parse(session!["id"]!.GetValue<string>()),
                    session["startsAt"]!.GetValue<DateTimeOffset>(), session["endsAt"]!.GetValue<DateTimeOffset>(), session["freeSeats"]!.GetValue<int>())).ToList();
                yield return new IndexedOffering(Guid.Parse(source["id"]!.GetValue<string>()), source["version"]!.GetValue<long>(),
                    source["updatedAt"]!.GetValue<DateTimeOffset>(), seats);
            }
            if (hits.Count < ListPage) yield break;
            after = hits[^1]!["_source"]!["id"]!.GetValue<string>();
        }
    }

    internal static string ListQuery(string? after)
    {
        var query = new System.Text.Json.Nodes.JsonObject
        {
            ["size"] = ListPage,
            ["_source"] = new System.Text.Json.Nodes.JsonArray("id", "version", "updatedAt", "sessions.id", "sessions.startsAt", "sessions.endsAt", "sessions.freeSeats"),
            ["query"] = System.Text.Json.Nodes.JsonNode.Parse($$$"""{"bool":{"must_not":[{"term":{"{{{EsRemoval.Field}}}":true}}]}}"""),
            ["sort"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"id":"asc"}]"""),
        };
        if (after is not null) query["search_after"] = new System.Text.Json.Nodes.JsonArray(after);
        return query.ToJsonString();
    }

    public async Task<long> RebuildAsync(IAsyncEnumerable<OfferingDocument> documents, string? storeEpoch, CancellationToken ct = default)
    {
        await _rebuildGate.WaitAsync(ct);
        var index = NewIndexName();
        var swapSent = false;
        try
        {
            // The template says 0 replicas (the single-node compose); a cluster whose operator raised the live index's count
            // keeps it across rebuilds.
            var replicas = await LiveReplicasAsync(ct);
            var created = await client.Indices.CreateAsync(new CreateIndexRequest(index)
            {
                Settings = replicas is { } n ? new IndexSettings { NumberOfReplicas = n } : null,
                RequestConfiguration = _admin,
            }, ct);
            if (!created.IsValidResponse)
                throw new InvalidOperationException($"Could not create {index}: {created.DebugInformation}");
            _rebuildTarget = index; // live writes now land in both indices; versions settle any overlap
            var count = await BulkIndexAsync(index, documents, ct);
            var refreshed = await client.Indices.RefreshAsync(new RefreshRequest(index) { RequestConfiguration = _admin }, ct);
            if (!refreshed.IsValidResponse)
                throw new InvalidOperationException($"Could not refresh {index}: {refreshed.DebugInformation}");
            await StampAsync(index, storeEpoch, ct); // complete: from now on a start-up need not rebuild it
            var previous = await IndicesBehindAliasAsync(ct);
            swapSent = true;
            await SwapAliasAsync(previous, index, ct);
            _rebuildTarget = null;
            if (previous.Count > 0)
                await client.Indices.DeleteAsync(new DeleteIndexRequest(Indices.Parse(string.Join(',', previous))) { RequestConfiguration = _admin }, ct);
            return count;
        }
        catch
        {
            _rebuildTarget = null;
            // Also when the create itself timed out on our side: the cluster may have made the index anyway, and an
            // index of the template's pattern that no alias points at would only pile up. Not there: a 404, ignored.
            // After the swap was sent, the new index goes unless the alias names it alone: then the swap went through
            // and only its answer was lost, and deleting the index would leave the alias on nothing.
            if (!swapSent || !await MayBeAloneBehindAliasAsync(index))
                await client.Indices.DeleteAsync(new DeleteIndexRequest(index) { RequestConfiguration = _admin }, CancellationToken.None);
            throw;
        }
        finally
        {
            _rebuildGate.Release();
        }
    }

    public void Dispose() => _rebuildGate.Dispose();

    private async Task IndexAsync<TDocument>(string index, string id, long version, TDocument document, CancellationToken ct)
    {
        var response = await client.IndexAsync(new IndexRequest<TDocument>(document, index, id)
        {
            // Through the alias, never auto-create: a missing alias must fail (and be retried), not become a plain index.
            RequireAlias = index == Alias,
            // external_gte: an equal version is re-applied (same event redelivered, or seat counts refreshed
            // under an unchanged offering version); only strictly older documents are refused, as the port says.
            VersionType = VersionType.ExternalGte,
            Version = version,
            Refresh = WriteRefresh,
            RequestConfiguration = _write,
        }, ct);
        // 409: a newer upsert or removal got there first.
        if (!response.IsValidResponse && response.ApiCallDetails.HttpStatusCode != 409)
            throw new InvalidOperationException($"Writing offering {id} to {index} failed: {response.DebugInformation}");
    }

    private async Task<long> BulkIndexAsync(string index, IAsyncEnumerable<OfferingDocument> documents, CancellationToken ct)
    {
        long count = 0;
        var batch = new List<EsOffering>(BulkBatch);
        await foreach (var document in documents.WithCancellation(ct))
        {
            batch.Add(EsOffering.From(document));
            if (batch.Count == BulkBatch)
                count += await SendBulkAsync(index, batch, ct);
        }
        if (batch.Count > 0)
            count += await SendBulkAsync(index, batch, ct);
        return count;
    }

    /// <summary>
    /// Sends one batch. Items a busy node turns away (429, or 503; also the whole request) are sent again, alone, after a
    /// back-off that doubles from <see cref="ElasticsearchIndexOptions.BulkRetryDelay"/>, at most
    /// <see cref="ElasticsearchIndexOptions.BulkRetries"/> times; only what is still rejected then fails the rebuild.
    /// A 409 item is a newer live write that got there first: fine. Any other error fails the rebuild at once.
    /// </summary>
    private async Task<long> SendBulkAsync(string index, List<EsOffering> batch, CancellationToken ct, bool live = false)
    {
        long written = 0;
        var pending = batch.ToList();
        var delay = _options.BulkRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            // A live write (live: true) goes through the alias as a single upsert does: never auto-creating an index, and refreshed alike.
            var request = new BulkRequest(index) { Operations = [], RequestConfiguration = _bulk };
            if (live) (request.RequireAlias, request.Refresh) = (index == Alias, WriteRefresh);
            foreach (var offering in pending)
                request.Operations.Add(new BulkIndexOperation<EsOffering>(offering) { Id = offering.Id, Version = offering.Version, VersionType = VersionType.ExternalGte });
            var response = await client.BulkAsync(request, ct);
            List<EsOffering> rejected;
            if (IsBusy(response.ApiCallDetails.HttpStatusCode))
            {
                rejected = pending;
            }
            else
            {
                var failed = response.ApiCallDetails.HasSuccessfulStatusCode ? response.ItemsWithErrors.ToList() : null;
                if (failed is null || failed.Any(i => i.Status != 409 && !IsBusy(i.Status)))
                    throw new InvalidOperationException($"Bulk indexing into {index} failed: {response.DebugInformation}");
                var busy = failed.Where(i => IsBusy(i.Status)).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
                written += pending.Count - failed.Count;
                rejected = pending.Where(o => busy.Contains(o.Id)).ToList();
            }
            if (rejected.Count == 0) break;
            if (attempt == _options.BulkRetries)
                throw new InvalidOperationException(
                    $"Bulk indexing into {index}: {rejected.Count} offerings still rejected (429/503) after {attempt + 1} attempts: {response.DebugInformation}");
            await Task.Delay(delay, time, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBulkRetryDelay.Ticks));
            pending = rejected;
        }
        batch.Clear();
        return written;
    }

    /// <summary>Too many requests, or unavailable: a node shedding load (e.g. a full write thread pool queue).</summary>
    private static bool IsBusy(int? status) => status is 429 or 503;

    private async Task<List<string>> IndicesBehindAliasAsync(CancellationToken ct)
    {
        var response = await client.Indices.GetAliasAsync(new GetAliasRequest(Names.Parse(Alias)) { RequestConfiguration = _admin }, ct);
        if (response.ApiCallDetails.HttpStatusCode == 404) return [];
        // Guessing "no previous index" on a timeout would leave the alias on two indices after the swap.
        if (!response.IsValidResponse || response.Aliases is null)
            throw new InvalidOperationException($"Could not read the indices behind alias {Alias}: {response.DebugInformation}");
        return [.. response.Aliases.Keys];
    }

    /// <summary>Records in the index's mapping (<c>_meta.schema</c>) that it holds a full rebuild under this template, and
    /// (<c>_meta.storeEpoch</c>) the store epoch it was filled from.</summary>
    private async Task StampAsync(string index, string? storeEpoch, CancellationToken ct)
    {
        var meta = new System.Text.Json.Nodes.JsonObject { ["schema"] = _template.Schema };
        if (storeEpoch is not null) meta[EpochMeta] = storeEpoch;
        var body = new System.Text.Json.Nodes.JsonObject { ["_meta"] = meta };
        var response = await RawAsync(Elastic.Transport.HttpMethod.PUT, $"/{index}/_mapping", body.ToJsonString(), ct);
        if (!response.ApiCallDetails.HasSuccessfulStatusCode)
            throw new InvalidOperationException($"Could not stamp {index} with its schema: {response.ApiCallDetails.DebugInformation}");
    }

    /// <summary>The replica count of the index behind the alias, or null when there is none (the template's count applies).</summary>
    private async Task<int?> LiveReplicasAsync(CancellationToken ct)
    {
        var response = await RawAsync(Elastic.Transport.HttpMethod.GET, $"/{Alias}/_settings/index.number_of_replicas", null, ct);
        if (response.ApiCallDetails.HttpStatusCode == 404) return null;
        // Guessing here would quietly drop a production index to the template's 0 replicas.
        if (!response.ApiCallDetails.HasSuccessfulStatusCode)
            throw new InvalidOperationException($"Could not read the replica count behind alias {Alias}: {response.ApiCallDetails.DebugInformation}");
        var counts = System.Text.Json.Nodes.JsonNode.Parse(response.Body)!.AsObject()
            .Select(i => i.Value?["settings"]?["index"]?["number_of_replicas"]?.GetValue<string>())
            .Select(v => int.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : (int?)null)
            .OfType<int>()
            .ToList();
        return counts.Count == 0 ? null : counts.Max();
    }

    /// <summary>
    /// Moves the alias in one atomic <c>_aliases</c> call. Each remove must find its alias (<c>must_exist</c>): without it,
    /// a remove whose alias another instance's rebuild already moved is skipped while the add still applies, and the alias
    /// ends up on two indices — answered with 200 and <c>errors: true</c>, which the typed response does not carry
    /// (it has <c>acknowledged</c> only), so the raw body is read too.
    /// </summary>
    private async Task SwapAliasAsync(List<string> previous, string next, CancellationToken ct)
    {
        var actions = previous
            .Select(old => new IndexUpdateAliasesAction { Remove = new RemoveAction { Index = old, Alias = Alias, MustExist = true } })
            .Append(new IndexUpdateAliasesAction { Add = new AddAction { Index = next, Alias = Alias } })
            .ToList();
        var response = await client.Indices.UpdateAliasesAsync(new UpdateAliasesRequest
        {
            Actions = actions,
            RequestConfiguration = new RequestConfiguration { DisableDirectStreaming = true, RequestTimeout = _options.AdminTimeout },
        }, ct);
        if (!response.IsValidResponse)
            throw new InvalidOperationException($"Moving alias {Alias} to {next} failed: {response.DebugInformation}");
        var body = response.ApiCallDetails.ResponseBodyInBytes is { Length: > 0 } bytes ? System.Text.Json.Nodes.JsonNode.Parse(bytes) : null;
        if (body?["errors"]?.GetValueKind() == System.Text.Json.JsonValueKind.True)
            throw new InvalidOperationException($"Moving alias {Alias} to {next} failed in part: {body.ToJsonString()}");
    }

    /// <summary>Whether the alias may name <paramref name="index"/> alone (also when that cannot be read: keep the index).</summary>
    private async Task<bool> MayBeAloneBehindAliasAsync(string index)
    {
        try
        {
            return await IndicesBehindAliasAsync(CancellationToken.None) is [var only] && only == index;
        }
        catch (Exception e) when (e is InvalidOperationException or TransportException or HttpRequestException)
        {
            return true;
        }
    }

    /// <summary>A request the typed client has no (fitting) call for: template, mapping, settings. Index administration timeout.</summary>
    private Task<StringResponse> RawAsync(Elastic.Transport.HttpMethod method, string path, string? body, CancellationToken ct) =>
        client.Transport.RequestAsync<StringResponse>(new EndpointPath(method, path), body is null ? null : PostData.String(body), null, _admin, ct);

    /// <summary>Timestamped for operators; the random tail keeps two rebuilds in one millisecond (or two instances) apart.</summary>
    private string NewIndexName() => $"{Alias}-v{time.GetUtcNow():yyyyMMddHHmmssfff}-{Guid.NewGuid().ToString("N")[..6]}";
}
