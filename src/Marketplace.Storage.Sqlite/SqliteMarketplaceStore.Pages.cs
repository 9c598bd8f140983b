using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;

namespace Marketplace.Storage.Sqlite;

/// <summary>
/// The paged list queries: keyset conditions and LIMIT in the statement, so a page reads a page. Each statement holds only
/// the conditions the filter has (SQLite plans a statement once, and a catch-all <c>$x IS NULL OR …</c> uses no index).
/// </summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<Provider>> ListProvidersAsync(ProviderFilter f, CancellationToken ct = default)
    {
        var page = new Page();
        // One white-list entry must hold both the district and the status: approved in one district, pending in another is
        // pending for the second district's bureau only. (Entries are few per provider; the scan over them is per row.)
        var entry = new List<string>();
        var values = new List<(string Name, object? Value)>();
        if (f.Districts is { } districts)
        {
            entry.Add("json_extract(a.value, '$.district') IN (SELECT value FROM json_each($districts))");
            values.Add(("$districts", StoreJson.Serialize(districts)));
        }
        if (f.Status is { } status)
        {
            entry.Add("json_extract(a.value, '$.status') = $status");
            values.Add(("$status", status.ToString()));
        }
        if (entry.Count > 0)
            page.Where($"EXISTS (SELECT 1 FROM json_each(doc, '$.approvals') a WHERE {string.Join(" AND ", entry)})", [.. values]);
        if (f.After is { } after) page.Where("id > $after", ("$after", Key(after)));
        return Task.FromResult(QueryDocs<Provider>(page.Sql("providers", "ORDER BY id LIMIT $limit"), page.With(("$limit", f.Limit))));
    }

    public Task<IReadOnlyList<Offering>> ListOfferingsAsync(OfferingFilter f, CancellationToken ct = default)
    {
        var page = new Page();
        if (f.ProviderId is { } provider) page.Where("json_extract(doc, '$.providerId') = $provider", ("$provider", Key(provider)));
        if (f.ProviderIds is { } providers)
            page.Where("json_extract(doc, '$.providerId') IN (SELECT value FROM json_each($providers))", ("$providers", StoreJson.Serialize(providers.Select(Key))));
        if (f.Status is { } status) page.Where("json_extract(doc, '$.status') = $status", ("$status", status.ToString()));
        if (f.After is { } after) page.Where("id > $after", ("$after", Key(after)));
        return Task.FromResult(QueryDocs<Offering>(page.Sql("offerings", "ORDER BY id LIMIT $limit"), page.With(("$limit", f.Limit))));
    }

    public Task<IReadOnlyList<Session>> ListSessionsAsync(SessionFilter f, CancellationToken ct = default)
    {
        var page = new Page();
        page.Where("json_extract(doc, '$.offeringId') = $offering", ("$offering", Key(f.OfferingId)));
        if (f.After is { } after)
            page.Where("(json_extract(doc, '$.startsAt') > $start OR (json_extract(doc, '$.startsAt') = $start AND id > $id))",
                ("$start", StoreJson.FormatTime(after.StartsAt)), ("$id", Key(after.Id)));
        return Task.FromResult(QueryDocs<Session>(
            page.Sql("sessions", "ORDER BY json_extract(doc, '$.startsAt'), id LIMIT $limit"), page.With(("$limit", f.Limit))));
    }

    /// <summary>Conditions joined with AND, each a constant of this class; every value is a parameter.</summary>
    private sealed class Page
    {
        private readonly List<string> _conditions = [];
        private readonly List<(string Name, object? Value)> _parameters = [];

        public void Where(string condition, params (string Name, object? Value)[] parameters)
        {
            _conditions.Add(condition);
            _parameters.AddRange(parameters);
        }

        public string Sql(string table, string tail) => Select("doc", table, tail);

        public string Select(string columns, string table, string tail) =>
            $"SELECT {columns} FROM {table}{(_conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", _conditions))} {tail}";

        public (string Name, object? Value)[] With(params (string Name, object? Value)[] more) => [.. _parameters, .. more];
    }
}
