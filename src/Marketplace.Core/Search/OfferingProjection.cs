using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Search;

/// <summary>
/// Keeps the index in step with the store: for each batch of outbox events it reloads the affected
/// offerings and upserts or removes them. Document versions are outbox cursors, so a replayed or
/// out-of-date projection never overwrites a newer one.
/// </summary>
public sealed class OfferingProjection(IMarketplaceStore store, IOfferingIndex index, TimeProvider clock)
{
    public async Task ApplyAsync(IReadOnlyList<OutboxMessage> events, CancellationToken ct = default)
    {
        if (events.Count == 0) return;
        var version = events[^1].Cursor;
        var offeringIds = new HashSet<Guid>();
        var districtChanged = false;
        foreach (var e in events)
        {
            switch (e.Type)
            {
                case EventTypes.DistrictChanged:
                    districtChanged = true; // a travel limit or centre moved: who may see what is worked out again for every offering
                    break;
                case EventTypes.ProviderChanged:
                    var providerId = StoreJson.Deserialize<ProviderChangedData>(e.Data).ProviderId;
                    offeringIds.UnionWith((await store.ListOfferingsAsync(providerId, null, ct)).Select(o => o.Id));
                    break;
                case EventTypes.OfferingChanged:
                    offeringIds.Add(StoreJson.Deserialize<OfferingChangedData>(e.Data).OfferingId);
                    break;
                case EventTypes.SessionsChanged:
                    offeringIds.Add(StoreJson.Deserialize<SessionsChangedData>(e.Data).OfferingId);
                    break;
                case EventTypes.AvailabilityChanged:
                    offeringIds.Add(StoreJson.Deserialize<AvailabilityChangedData>(e.Data).OfferingId);
                    break;
            }
        }
        if (offeringIds.Count > 0) await ReprojectAsync(offeringIds, version, ct);
        if (districtChanged)
        {
            var batch = new List<OfferingDocument>(UpsertBatch);
            await foreach (var doc in AllDocumentsAsync(version, ct))
            {
                if (offeringIds.Contains(doc.Id)) continue;
                batch.Add(doc);
                if (batch.Count < UpsertBatch) continue;
                await index.UpsertManyAsync(batch, ct);
                batch = new List<OfferingDocument>(UpsertBatch);
            }
            await index.UpsertManyAsync(batch, ct);
        }
    }

    /// <summary>Writes the offerings' current state at <paramref name="version"/>: upserted when searchable, else removed.</summary>
    public async Task ReprojectAsync(IReadOnlyCollection<Guid> offeringIds, long version, CancellationToken ct = default)
    {
        var offerings = await store.FindManyAsync<Offering>(offeringIds, ct);
        var documents = await BuildAsync(offerings, version, ct);
        await index.UpsertManyAsync([.. documents.Values], ct);
        foreach (var id in offeringIds.Where(id => !documents.ContainsKey(id)))
            await index.RemoveAsync(id, version, ct);
    }

    /// <summary>Documents per <see cref="IOfferingIndex.UpsertManyAsync"/> when every offering is projected again.</summary>
    private const int UpsertBatch = 500;

    /// <summary>All searchable offerings, for a rebuild or after a district changed; built in batches of 200.</summary>
    public async IAsyncEnumerable<OfferingDocument> AllDocumentsAsync(long version, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var batch = new List<Offering>(200);
        await foreach (var offering in store.StreamOfferingsAsync(ct))
        {
            if (offering.Status != OfferingStatus.Published) continue;
            batch.Add(offering);
            if (batch.Count < 200) continue;
            foreach (var doc in (await BuildAsync(batch, version, ct)).Values) yield return doc;
            batch.Clear();
        }
        foreach (var doc in (await BuildAsync(batch, version, ct)).Values) yield return doc;
    }

    private async Task<Dictionary<Guid, OfferingDocument>> BuildAsync(IReadOnlyList<Offering> offerings, long version, CancellationToken ct)
    {
        var published = offerings.Where(o => o.Status == OfferingStatus.Published).ToList();
        if (published.Count == 0) return [];
        var providers = (await store.FindManyAsync<Provider>(published.Select(o => o.ProviderId).Distinct().ToArray(), ct)).ToDictionary(p => p.Id);
        var now = clock.GetUtcNow();
        var sessions = (await store.ListSessionsForOfferingsAsync(published.Select(o => o.Id).ToArray(), now, ct))
            .Where(s => s.Status == SessionStatus.Scheduled).ToLookup(s => s.OfferingId);
        var districts = await store.ListDistrictsAsync(ct);
        var result = new Dictionary<Guid, OfferingDocument>();
        foreach (var o in published)
        {
            if (!providers.TryGetValue(o.ProviderId, out var p) || !OfferingQueries.IsPublic(o, p)) continue;
            var c = o.Content;
            result[o.Id] = new OfferingDocument(o.Id, p.Id, p.Name, c.Title, c.Summary, c.Description, c.Tags, c.Category, c.Mode, c.Grades,
                c.Districts.Concat(c.ServesOffCampus ? p.Districts : []).Distinct().ToArray(), c.PriceFen,
                c.Venue is { } v ? new GeoPoint(v.Lat, v.Lon) : null,
                sessions[o.Id].Select(s => new SessionSlot(s.Id, s.StartsAt, s.EndsAt, s.FreeSeats)).ToArray(), version, o.UpdatedAt)
            {
                VisibleIn = DistrictReach.VisibleIn(o, p, districts),
                CampusDistricts = c.ServesOnCampus ? c.Districts : [],
            };
        }
        return result;
    }
}
