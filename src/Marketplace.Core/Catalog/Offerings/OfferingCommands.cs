using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog.Offerings;

/// <summary>Create, edit (optimistic concurrency) and move offerings through review and publication.</summary>
/// <remarks>
/// An optional <c>ifMatchVersion</c> on a transition applies it only to that version (the one the reviewer read); without it a
/// transition that loses a race is decided again on the current state. The provider's own changes need it in good standing
/// (<see cref="Provider.EnsureMayAct"/>).
/// </remarks>
public sealed class OfferingCommands(IMarketplaceStore store, TimeProvider clock, IOfferingPriceRules priceRules)
{
    public async Task<(Offering Offering, Provider Provider)> CreateAsync(Caller caller, OfferingInput input, CancellationToken ct = default)
    {
        if (caller.Role != Role.Provider) throw new ForbiddenException("forbidden.providers-create-offerings");
        var provider = await store.FindAsync<Provider>(caller.OrganizationId, ct) ?? throw new NotFoundException("provider", caller.OrganizationId);
        provider.EnsureMayAct();
        var content = input.Validate(await KnownDistrictsAsync(ct));
        await priceRules.CheckAsync(content, ct);
        var now = clock.GetUtcNow();
        var offering = Offering.Create(provider.Id, content, now, ScreeningRecord.Of(input.Screen(), input.ScreeningJustification, now));
        await store.CommitAsync(new StoreChanges().Insert(offering).Publish(CatalogEvents.OfferingChanged(offering, provider, now)), ct);
        return (offering, provider);
    }

    public async Task<(Offering Offering, Provider Provider)> EditAsync(Caller caller, Guid id, long ifMatchVersion, OfferingInput input, CancellationToken ct = default)
    {
        var (offering, provider) = await LoadOwnedAsync(caller, id, ct);
        if (offering.Version != ifMatchVersion) throw new ConcurrencyConflictException("offering", id);
        var content = input.Validate(await KnownDistrictsAsync(ct));
        await priceRules.CheckAsync(content, ct);
        var now = clock.GetUtcNow();
        offering.Edit(content, now, ScreeningRecord.Of(input.Screen(), input.ScreeningJustification, now));
        await store.CommitAsync(new StoreChanges().Update(offering, ifMatchVersion).Publish(CatalogEvents.OfferingChanged(offering, provider, now)), ct);
        return (offering, provider);
    }

    /// <summary>The provider submits for review; only an approved provider may.</summary>
    public async Task<(Offering Offering, Provider Provider)> SubmitAsync(Caller caller, Guid id, long? ifMatchVersion = null, CancellationToken ct = default)
    {
        // The districts' policies may have changed since the draft was saved: priced above a cap of a district it serves, refused.
        var (current, _) = await LoadOwnedAsync(caller, id, ct);
        await priceRules.CheckAsync(current.Content, ct);
        return await ChangeAsync(caller, id, ifMatchVersion, reviewing: false, (offering, provider, now) =>
        {
            if (!provider.CanPublish)
                throw new DomainRuleException("provider-not-approved");
            offering.Submit(now);
        }, ct);
    }

    /// <summary>The bureau publishes the offering, with an optional note kept in its audit trail (as for providers).</summary>
    public Task<(Offering Offering, Provider Provider)> ApproveAsync(Caller caller, Guid id, string? note, long? ifMatchVersion = null, CancellationToken ct = default) =>
        ChangeAsync(caller, id, ifMatchVersion, reviewing: true, (offering, _, now) =>
        {
            new Validator().Text(note, "note", 500, required: false, multiline: true).ThrowIfInvalid();
            offering.Approve(caller.AuditName, note, now);
        }, ct, audit: (offering, provider, now) => Audit(caller, "offering.approve", offering, provider.ReviewDistrict, now, note));

    public Task<(Offering Offering, Provider Provider)> RejectAsync(Caller caller, Guid id, string? reason, long? ifMatchVersion = null, CancellationToken ct = default) =>
        ChangeAsync(caller, id, ifMatchVersion, reviewing: true, (offering, _, now) =>
        {
            new Validator().Text(reason, "reason", 500, multiline: true).ThrowIfInvalid();
            offering.Reject(caller.AuditName, reason!, now);
        }, ct, audit: (offering, provider, now) => Audit(caller, "offering.reject", offering, provider.ReviewDistrict, now, reason));

    /// <summary>
    /// A district's bureau blocks the offering for its district's schools: the provider must be approved there (the district
    /// then trusts the provider, not necessarily this offering, which the provider's home bureau reviewed). <paramref name="district"/>
    /// as for vetting decisions: the caller's own, or its only district where the provider is approved.
    /// </summary>
    public Task<(Offering Offering, Provider Provider)> BlockAsync(Caller caller, Guid id, string? district, string? reason, long? ifMatchVersion = null, CancellationToken ct = default) =>
        BlockChangeAsync(caller, id, district, ifMatchVersion, "offering.block", reason, (offering, where, now) =>
        {
            new Validator().Text(reason, "reason", 500, multiline: true).ThrowIfInvalid();
            offering.Block(where, caller.AuditName, reason!, now);
        }, ct);

    public Task<(Offering Offering, Provider Provider)> UnblockAsync(Caller caller, Guid id, string? district, long? ifMatchVersion = null, CancellationToken ct = default) =>
        BlockChangeAsync(caller, id, district, ifMatchVersion, "offering.unblock", null, (offering, where, now) => offering.Unblock(where, now), ct);

    public Task<(Offering Offering, Provider Provider)> PauseAsync(Caller caller, Guid id, long? ifMatchVersion = null, CancellationToken ct = default) =>
        ChangeAsync(caller, id, ifMatchVersion, reviewing: false, (offering, _, now) => offering.Pause(now), ct, tellBookedSchools: true);

    public Task<(Offering Offering, Provider Provider)> ResumeAsync(Caller caller, Guid id, long? ifMatchVersion = null, CancellationToken ct = default) =>
        ChangeAsync(caller, id, ifMatchVersion, reviewing: false, (offering, _, now) => offering.Resume(now), ct, tellBookedSchools: true);

    public Task<(Offering Offering, Provider Provider)> ArchiveAsync(Caller caller, Guid id, long? ifMatchVersion = null, CancellationToken ct = default) =>
        ChangeAsync(caller, id, ifMatchVersion, reviewing: false, (offering, _, now) => offering.Archive(now), ct, tellBookedSchools: true);

    /// <summary>The owning provider's offering (404 to other providers, 403 to other roles), with its provider, for a change by that provider.</summary>
    public async Task<(Offering Offering, Provider Provider)> LoadOwnedAsync(Caller caller, Guid id, CancellationToken ct)
    {
        var offering = await store.FindAsync<Offering>(id, ct);
        if (offering is null || caller.Role != Role.Provider || offering.ProviderId != caller.OrganizationId)
        {
            if (offering is not null && caller.Role != Role.Provider) throw new ForbiddenException("forbidden.offering-owner");
            throw new NotFoundException("offering", id);
        }
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("provider", offering.ProviderId);
        provider.EnsureMayAct();
        return (offering, provider);
    }

    private Task<(Offering Offering, Provider Provider)> BlockChangeAsync(Caller caller, Guid id, string? district, long? ifMatchVersion,
        string action, string? detail, Action<Offering, string, DateTimeOffset> change, CancellationToken ct)
    {
        string? where = null;
        return ChangeAsync(caller, id, ifMatchVersion, (_, provider) =>
        {
            var approvedHere = caller.Districts.Where(provider.IsApprovedIn).Distinct().ToArray();
            if (caller.Role != Role.Bureau || approvedHere.Length == 0) return false;
            where = district ?? (approvedHere.Length == 1 ? approvedHere[0] : throw ValidationFailedException.For("district", "vetting.district-required", (object)approvedHere));
            return approvedHere.Contains(where) ? true : throw new ForbiddenException("forbidden.offering-block-district", where);
        }, "forbidden.offering-block", (offering, _, now) => change(offering, where!, now), ct,
            audit: (offering, _, now) => Audit(caller, action, offering, where, now, detail));
    }

    /// <summary>
    /// A review (by the bureau of the provider's <see cref="Provider.ReviewDistrict"/>, its home district while approved there:
    /// one bureau answers for the content, 属地管理) or an owner's transition, committed with its event.
    /// </summary>
    /// <remarks><paramref name="tellBookedSchools"/>: the event also goes to the schools holding live bookings of the offering (pause,
    /// resume, archive change whether what they booked can still be booked), up to <see cref="BookedSchoolsTold"/>.</remarks>
    private Task<(Offering Offering, Provider Provider)> ChangeAsync(Caller caller, Guid id, long? ifMatchVersion, bool reviewing,
        Action<Offering, Provider, DateTimeOffset> change, CancellationToken ct, Func<Offering, Provider, DateTimeOffset, AuditEntry>? audit = null,
        bool tellBookedSchools = false) =>
        reviewing
            ? ChangeAsync(caller, id, ifMatchVersion, (_, p) => p.ReviewDistrict is { } d && caller.IsBureauOf(d), "forbidden.offering-review", change, ct, audit: audit)
            : ChangeAsync(caller, id, ifMatchVersion, (o, _) => caller.OrganizationId == o.ProviderId, "forbidden.offering-owner", change, ct, byOwner: true,
                tellBookedSchools: tellBookedSchools);

    /// <summary>Schools told of a pause, resume or archive in its event; bookings of one offering come from far fewer schools.</summary>
    public const int BookedSchoolsTold = 1000;

    private Task<(Offering Offering, Provider Provider)> ChangeAsync(Caller caller, Guid id, long? ifMatchVersion, Func<Offering, Provider, bool> mayAct,
        string refusal, Action<Offering, Provider, DateTimeOffset> change, CancellationToken ct, bool byOwner = false,
        Func<Offering, Provider, DateTimeOffset, AuditEntry>? audit = null, bool tellBookedSchools = false) =>
        ifMatchVersion is null
            ? ConcurrentChange.RetryAsync(() => ChangeOnceAsync(caller, id, null, mayAct, refusal, byOwner, change, audit, ct, tellBookedSchools))
            : ChangeOnceAsync(caller, id, ifMatchVersion, mayAct, refusal, byOwner, change, audit, ct, tellBookedSchools);

    private async Task<(Offering Offering, Provider Provider)> ChangeOnceAsync(Caller caller, Guid id, long? ifMatchVersion, Func<Offering, Provider, bool> mayAct,
        string refusal, bool byOwner, Action<Offering, Provider, DateTimeOffset> change, Func<Offering, Provider, DateTimeOffset, AuditEntry>? audit,
        CancellationToken ct, bool tellBookedSchools = false)
    {
        var offering = await store.FindAsync<Offering>(id, ct) ?? throw new NotFoundException("offering", id);
        var provider = await store.FindAsync<Provider>(offering.ProviderId, ct) ?? throw new NotFoundException("provider", offering.ProviderId);
        if (!mayAct(offering, provider))
        {
            // A provider must not learn that another provider's draft exists, nor a bureau one outside its districts.
            if (caller.Role == Role.Provider || !(OfferingQueries.IsPublic(offering, provider) || OfferingQueries.IsOwnerOrBureau(caller, offering, provider)))
                throw new NotFoundException("offering", id);
            throw new ForbiddenException(refusal);
        }
        if (byOwner) provider.EnsureMayAct();

        var expected = offering.Version;
        if (ifMatchVersion is { } wanted && wanted != expected) throw new ConcurrencyConflictException("offering", id);
        var now = clock.GetUtcNow();
        change(offering, provider, now);
        var bookedSchools = tellBookedSchools ? await store.ListSchoolsWithLiveBookingsAsync(offering.Id, BookedSchoolsTold, ct) : [];
        var changes = new StoreChanges().Update(offering, expected).Publish(CatalogEvents.OfferingChanged(offering, provider, now, bookedSchools));
        if (audit is not null) changes.Insert(audit(offering, provider, now));
        await store.CommitAsync(changes, ct);
        return (offering, provider);
    }

    /// <summary>The audit entry of a bureau's decision on an offering: the offering is the target, its provider the organisation.</summary>
    private static AuditEntry Audit(Caller caller, string action, Offering offering, string? district, DateTimeOffset now, string? detail) =>
        AuditEntry.Record(caller, action, "offering", offering.Id.ToString(), now, district, offering.ProviderId, detail);

    private async Task<IReadOnlySet<string>> KnownDistrictsAsync(CancellationToken ct) =>
        (await store.ListDistrictsAsync(ct)).Select(d => d.Code).ToHashSet();
}
