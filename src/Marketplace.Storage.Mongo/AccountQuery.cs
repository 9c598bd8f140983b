using Marketplace.Core.Persistence;
using MongoDB.Bson;

namespace Marketplace.Storage.Mongo;

/// <summary>The accounts and audit filters (keyset after or before the previous page's last item); rendered by the request-shape tests.</summary>
internal static class AccountQuery
{
    public static readonly BsonDocument NewestFirst = new("_id", -1);

    /// <summary>ix_organization / ix_role, then _id.</summary>
    public static BsonDocument Users(UserFilter f)
    {
        var filter = new BsonDocument();
        if (f.OrganizationId is { } org) filter.Add("organizationId", StoredDocuments.Key(org));
        if (f.Role is { } role) filter.Add("role", role.ToString());
        if (f.After is { } after) filter.Add("_id", new BsonDocument("$gt", StoredDocuments.Key(after)));
        return filter;
    }

    /// <summary>audit.ix_district / ix_organization, newest first.</summary>
    public static BsonDocument Audit(AuditFilter f)
    {
        var filter = new BsonDocument();
        if (f.Districts is { } districts) filter.Add("district", new BsonDocument("$in", new BsonArray(districts)));
        if (f.OrganizationId is { } org) filter.Add("organizationId", StoredDocuments.Key(org));
        if (f.Before is { } before) filter.Add("_id", new BsonDocument("$lt", StoredDocuments.Key(before)));
        return filter;
    }

    /// <summary>Bureaus stored before levels existed have no level (null matches a missing field): they are district bureaus.</summary>
    public static BsonDocument Bureaus(BureauFilter f)
    {
        var filter = new BsonDocument();
        if (f.Level is { } level)
            filter.Add("level", level == Core.Identity.BureauLevel.District
                ? new BsonDocument("$in", new BsonArray { level.ToString(), BsonNull.Value })
                : (BsonValue)level.ToString());
        if (f.After is { } after) filter.Add("_id", new BsonDocument("$gt", StoredDocuments.Key(after)));
        return filter;
    }
}
