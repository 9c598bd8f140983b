using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

public sealed record FirstUserInput(string? Username, string? DisplayName, string? Password);

/// <summary>A bureau organisation: a district bureau names its <see cref="District"/>, a city bureau its <see cref="CityCode"/>
/// (the first four digits of its districts' codes).</summary>
public sealed record CreateBureauRequest(string? Name, BureauLevel? Level, string? District, string? CityCode, FirstUserInput? FirstUser);

public enum OrganisationStatus { Active, Disabled }

/// <summary>An organisation disabled or enabled again, and the users whose standing changed with it.</summary>
public sealed record OrganisationStanding(Guid OrganizationId, OrganisationStatus Status, IReadOnlyList<Guid> UserIds);

/// <summary>The administrator's organisations: bureaus with their first user, and disabling or enabling any organisation.</summary>
public sealed class OrganizationCommands(IMarketplaceStore store, IPasswordHashing hashing, TimeProvider clock)
{
    /// <summary>The bureau and its first user (its admin), with the audit entry, in one commit.</summary>
    public async Task<(Bureau Bureau, User User)> CreateBureauAsync(Caller caller, CreateBureauRequest r, CancellationToken ct = default)
    {
        EnsureAdministrator(caller);
        var districts = await store.ListDistrictsAsync(ct);
        var v = new Validator().Text(r.Name, "name", 100)
            .Require(r.Level is not null, "level", new("validation.one-of", (object)Enum.GetNames<BureauLevel>()));
        if (r.Level == BureauLevel.District)
        {
            v.Require(r.District is not null && districts.Any(d => d.Code == r.District), "district", new("admin.district-unknown"));
            v.Require(r.CityCode is null || r.CityCode == r.District?[..Math.Min(4, r.District.Length)], "cityCode", new("admin.city-of-district"));
        }
        if (r.Level == BureauLevel.City)
        {
            v.Require(r.District is null, "district", new("admin.city-bureau-district"));
            v.Require(r.CityCode is { Length: 4 } && districts.Any(d => d.CityCode == r.CityCode), "cityCode", new("admin.city-unknown"));
        }
        if (r.FirstUser is null) v.Add("firstUser", new("validation.required"));
        else UserCommands.ValidateNewUser(r.FirstUser.Username, r.FirstUser.DisplayName, r.FirstUser.Password, "firstUser.", v);
        v.ThrowIfInvalid();
        if (await store.FindUserAsync(r.FirstUser!.Username!, ct) is not null) throw new DuplicateException("firstUser.username", "duplicate.username");

        var level = r.Level!.Value;
        var bureau = level == BureauLevel.District
            ? new Bureau(Ids.New(), r.Name!.Trim(), [r.District!], level, r.District![..4])
            : new Bureau(Ids.New(), r.Name!.Trim(), [], level, r.CityCode);
        var user = User.Create(r.FirstUser.Username!, hashing.Hash(r.FirstUser.Password!), level == BureauLevel.District ? Role.Bureau : Role.CityBureau,
            bureau.Id, r.FirstUser.DisplayName!, OrgRole.Admin);
        var audit = AuditEntry.Record(caller, "organisation.create", "organisation", bureau.Id.ToString(), clock.GetUtcNow(),
            bureau.Districts.FirstOrDefault(), bureau.Id, $"{bureau.Name} ({level}{(level == BureauLevel.City ? " " + bureau.CityCode : "")}), {user.Username}");
        await store.CommitAsync(new StoreChanges().Insert(bureau).Insert(user).Insert(audit), ct);
        return (bureau, user);
    }

    /// <summary>Any organisation (bureau, provider, school): its users sign in no more and their tokens are refused.</summary>
    public Task<OrganisationStanding> DisableAsync(Caller caller, Guid organizationId, string? reason, CancellationToken ct = default)
    {
        var input = new Validator().Text(reason, "reason", 500, multiline: true);
        return SetDisabledAsync(caller, organizationId, true, reason, input, ct);
    }

    public Task<OrganisationStanding> EnableAsync(Caller caller, Guid organizationId, CancellationToken ct = default) =>
        SetDisabledAsync(caller, organizationId, false, null, new Validator(), ct);

    /// <summary>The bureau (if it is one) and every user of the organisation, with the audit entry, in one commit.</summary>
    private Task<OrganisationStanding> SetDisabledAsync(Caller caller, Guid organizationId, bool disabled, string? reason, Validator input, CancellationToken ct)
    {
        EnsureAdministrator(caller);
        return ConcurrentChange.RetryAsync(async () =>
        {
            var bureau = await store.FindAsync<Bureau>(organizationId, ct);
            var members = await store.ListUsersAsync(new UserFilter(OrganizationId: organizationId, Limit: UserCommands.MaxUsersPerOrganization), ct);
            if (bureau is null && members.Count == 0) throw new NotFoundException("organisation", organizationId);
            input.ThrowIfInvalid();
            if (organizationId == PlatformOrganization.Id) throw new DomainRuleException("organisation-platform");
            var current = bureau?.Disabled ?? members.All(m => m.OrganizationDisabled) ? OrganisationStatus.Disabled : OrganisationStatus.Active;
            var wanted = disabled ? OrganisationStatus.Disabled : OrganisationStatus.Active;
            if (current == wanted) throw new TransitionRefusedException("organisation-transition", current, wanted);

            var changes = new StoreChanges();
            if (bureau is not null)
            {
                var expected = bureau.Version;
                bureau.SetDisabled(disabled);
                changes.Update(bureau, expected);
            }
            foreach (var member in members)
            {
                var expected = member.Version;
                member.SetOrganizationDisabled(disabled);
                changes.Update(member, expected);
            }
            var role = members.Count > 0 ? members[0].Role : Role.Bureau;
            changes.Insert(AuditEntry.Record(caller, disabled ? "organisation.disable" : "organisation.enable", "organisation", organizationId.ToString(),
                clock.GetUtcNow(), await UserCommands.DistrictOfAsync(store, organizationId, role, ct), organizationId, reason));
            await store.CommitAsync(changes, ct);
            return new OrganisationStanding(organizationId, wanted, members.Select(m => m.Id).ToArray());
        });
    }

    internal static void EnsureAdministrator(Caller caller)
    {
        if (caller.Role != Role.Administrator) throw new ForbiddenException("forbidden.administrator");
    }
}

public sealed class OrganizationQueries(IMarketplaceStore store)
{
    /// <summary>The bureaus, optionally of one level, a page in id order (the administrator's).</summary>
    public Task<IReadOnlyList<Bureau>> ListBureausAsync(Caller caller, BureauLevel? level, int limit, Guid? after, CancellationToken ct = default)
    {
        OrganizationCommands.EnsureAdministrator(caller);
        return store.ListBureausAsync(new BureauFilter(level, limit, after), ct);
    }

    public async Task<Bureau> GetBureauAsync(Caller caller, Guid id, CancellationToken ct = default)
    {
        OrganizationCommands.EnsureAdministrator(caller);
        return await store.FindAsync<Bureau>(id, ct) ?? throw new NotFoundException("organisation", id);
    }
}
