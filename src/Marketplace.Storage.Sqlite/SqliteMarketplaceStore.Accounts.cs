using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Storage.Sqlite;

/// <summary>Accounts and audit: an organisation's or a role's users (ix_users_org, ix_users_role), the audit trail by district or
/// organisation newest first (ix_audit_district, ix_audit_org), and the bureaus (few: a scan).</summary>
internal sealed partial class SqliteMarketplaceStore
{
    public Task<IReadOnlyList<User>> ListUsersAsync(UserFilter f, CancellationToken ct = default)
    {
        var page = new Page();
        if (f.OrganizationId is { } org) page.Where("json_extract(doc, '$.organizationId') = $org", ("$org", Key(org)));
        if (f.Role is { } role) page.Where("json_extract(doc, '$.role') = $role", ("$role", role.ToString()));
        if (f.After is { } after) page.Where("id > $after", ("$after", Key(after)));
        return Task.FromResult(QueryDocs<User>(page.Sql("users", "ORDER BY id LIMIT $limit"), page.With(("$limit", f.Limit))));
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditFilter f, CancellationToken ct = default)
    {
        var page = new Page();
        if (f.Districts is { } districts)
            page.Where("json_extract(doc, '$.district') IN (SELECT value FROM json_each($districts))", ("$districts", StoreJson.Serialize(districts)));
        if (f.OrganizationId is { } org) page.Where("json_extract(doc, '$.organizationId') = $org", ("$org", Key(org)));
        if (f.Before is { } before) page.Where("id < $before", ("$before", Key(before)));
        return Task.FromResult(QueryDocs<AuditEntry>(page.Sql("audit", "ORDER BY id DESC LIMIT $limit"), page.With(("$limit", f.Limit))));
    }

    public Task<IReadOnlyList<Bureau>> ListBureausAsync(BureauFilter f, CancellationToken ct = default)
    {
        var page = new Page();
        // Bureaus stored before levels existed have no level: they are district bureaus.
        if (f.Level is { } level) page.Where("coalesce(json_extract(doc, '$.level'), 'District') = $level", ("$level", level.ToString()));
        if (f.After is { } after) page.Where("id > $after", ("$after", Key(after)));
        return Task.FromResult(QueryDocs<Bureau>(page.Sql("bureaus", "ORDER BY id LIMIT $limit"), page.With(("$limit", f.Limit))));
    }
}
