using Marketplace.Adapters.Tests.Mongo;
using Marketplace.Core.Identity;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Adapters.Tests.Store;

/// <summary>Accounts and audit: an organisation's or a role's users in id order, the audit trail newest first by district or
/// organisation, the bureaus by level — each paged by the store.</summary>
public abstract partial class StoreContract
{
    [SkippableFact]
    public async Task Users_ArePagedInIdOrder_ByOrganisationAndRole()
    {
        await using var db = await CreateAsync();
        var (mine, theirs) = (Ids.New(), Ids.New());
        var users = new[]
        {
            User.Create("acc-a", "h", Role.Provider, mine, "甲", OrgRole.Admin), User.Create("acc-b", "h", Role.Provider, theirs, "乙", OrgRole.Admin),
            User.Create("acc-c", "h", Role.Provider, mine, "丙", OrgRole.Staff), User.Create("acc-d", "h", Role.Administrator, PlatformOrganization.Id, "丁", OrgRole.Admin),
            User.Create("acc-e", "h", Role.Provider, mine, "戊", OrgRole.Staff),
        };
        var changes = new StoreChanges();
        foreach (var u in users) changes.Insert(u);
        await db.Store.CommitAsync(changes);
        async Task<List<Guid>> List(UserFilter f) => [.. (await db.Store.ListUsersAsync(f)).Select(u => u.Id)];
        var mineInOrder = InIdOrder([users[0].Id, users[2].Id, users[4].Id]);

        Assert.Equal(mineInOrder, await List(new UserFilter(OrganizationId: mine)));
        Assert.Equal(mineInOrder.Take(2), await List(new UserFilter(OrganizationId: mine, Limit: 2)));
        Assert.Equal(mineInOrder.Skip(1), await List(new UserFilter(OrganizationId: mine, After: mineInOrder[0])));
        Assert.Equal([users[3].Id], await List(new UserFilter(Role: Role.Administrator, Limit: 1)));
        Assert.Equal(mineInOrder, await List(new UserFilter(OrganizationId: mine, Role: Role.Provider)));
        Assert.Empty(await List(new UserFilter(OrganizationId: mine, Role: Role.School)));
        Assert.Equal(InIdOrder(users.Select(u => u.Id)), await List(new UserFilter()));
    }

    [SkippableFact]
    public async Task Audit_IsNewestFirst_ByDistrictsOrOrganisation_PagedBefore()
    {
        await using var db = await CreateAsync();
        var org = Ids.New();
        var caller = new Caller(Ids.New(), "admin", Role.Administrator, PlatformOrganization.Id, []) { Address = "192.0.2.1" };
        var entries = new List<AuditEntry>();
        foreach (var (district, organization) in new (string?, Guid?)[] { ("110101", org), ("110105", null), (null, org), ("110101", null), ("330106", org) })
        {
            var entry = AuditEntry.Record(caller, "user.disable", "user", Ids.New().ToString(), Now, district, organization, "理由");
            entries.Add(entry);
            await db.Store.CommitAsync(new StoreChanges().Insert(entry));
        }
        async Task<List<Guid>> List(AuditFilter f) => [.. (await db.Store.ListAuditAsync(f)).Select(e => e.Id)];
        List<Guid> Newest(params int[] i) => [.. i.Select(n => entries[n].Id).OrderByDescending(id => id.ToString("D"), StringComparer.Ordinal)];

        Assert.Equal(Newest(0, 1, 2, 3, 4), await List(new AuditFilter()));
        Assert.Equal(Newest(0, 1, 3), await List(new AuditFilter(Districts: ["110101", "110105"])));
        Assert.Equal(Newest(0, 2, 4), await List(new AuditFilter(OrganizationId: org)));
        Assert.Equal(Newest(0, 4), await List(new AuditFilter(Districts: ["110101", "330106"], OrganizationId: org)));
        var page = Newest(0, 1, 3);
        Assert.Equal(page.Skip(1), await List(new AuditFilter(Districts: ["110101", "110105"], Before: page[0])));
        Assert.Equal(page.Take(1), await List(new AuditFilter(Districts: ["110101", "110105"], Limit: 1)));
        var stored = (await db.Store.ListAuditAsync(new AuditFilter(Limit: 1))).Single();
        Assert.Equal(StoreJson.Serialize(entries.Single(e => e.Id == Newest(0, 1, 2, 3, 4)[0])), StoreJson.Serialize(stored));
        Assert.Equal(("Administrator:admin", "192.0.2.1"), (stored.Actor, stored.Address));
    }

    [SkippableFact]
    public async Task Bureaus_ArePagedInIdOrder_ByLevel()
    {
        await using var db = await CreateAsync();
        var bureaus = new[]
        {
            new Bureau(Ids.New(), "东城区教育委员会", ["110101"]), new Bureau(Ids.New(), "北京市教育委员会", [], BureauLevel.City, "1101"),
            new Bureau(Ids.New(), "西湖区教育局", ["330106"], BureauLevel.District, "3301"),
        };
        var changes = new StoreChanges();
        foreach (var b in bureaus) changes.Insert(b);
        await db.Store.CommitAsync(changes);
        async Task<List<Guid>> List(BureauFilter f) => [.. (await db.Store.ListBureausAsync(f)).Select(b => b.Id)];

        Assert.Equal(InIdOrder([bureaus[0].Id, bureaus[2].Id]), await List(new BureauFilter(BureauLevel.District)));
        Assert.Equal([bureaus[1].Id], await List(new BureauFilter(BureauLevel.City)));
        Assert.Equal(InIdOrder(bureaus.Select(b => b.Id)).Skip(1), await List(new BureauFilter(After: InIdOrder(bureaus.Select(b => b.Id))[0])));
        Assert.Single(await List(new BureauFilter(Limit: 1)));
    }
}
