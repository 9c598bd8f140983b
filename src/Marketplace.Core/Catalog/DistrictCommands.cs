using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Catalog;

/// <summary>A district as the administrator enters it. <see cref="TravelLimitKm"/> null: the same city; a number needs the centre.</summary>
public sealed record DistrictInput(string? Code, string? Name, string? City, string? Province, int? TravelLimitKm = null, double? Lat = null, double? Lon = null);

/// <summary>The administrator's districts: created once per GB/T 2260 code, then updated. Each change publishes
/// <see cref="EventTypes.DistrictChanged"/> (the index re-projects what the district's schools may see) with its audit entry.</summary>
public sealed class DistrictCommands(IMarketplaceStore store, TimeProvider clock)
{
    public const int MaxTravelLimitKm = 1000;

    public async Task<District> CreateAsync(Caller caller, DistrictInput input, CancellationToken ct = default)
    {
        EnsureAdministrator(caller);
        var v = Validate(input);
        v.Require(AreaCode.IsCountyLevel(input.Code), "code", new("admin.district-code"));
        v.ThrowIfInvalid();
        if ((await store.ListDistrictsAsync(ct)).Any(d => d.Code == input.Code)) throw new DuplicateException("code", "duplicate.district");
        return await PutAsync(caller, input.Code!, input, "district.create", ct);
    }

    public async Task<District> UpdateAsync(Caller caller, string code, DistrictInput input, CancellationToken ct = default)
    {
        EnsureAdministrator(caller);
        if (!(await store.ListDistrictsAsync(ct)).Any(d => d.Code == code)) throw new NotFoundException("district", code);
        Validate(input).Require(input.Code is null || input.Code == code, "code", new("admin.district-code-path")).ThrowIfInvalid();
        return await PutAsync(caller, code, input, "district.update", ct);
    }

    private async Task<District> PutAsync(Caller caller, string code, DistrictInput input, string action, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var district = new District(code, input.Name!.Trim(), input.City!.Trim(), input.Province!.Trim(), input.TravelLimitKm, input.Lat, input.Lon);
        var detail = $"{district.Name}, {district.City}, {district.Province}, " +
            (district.TravelLimitKm is { } km ? $"{km} km from ({district.Lat}, {district.Lon})" : "same city");
        await store.CommitAsync(new StoreChanges().PutDistrict(district).Publish(CatalogEvents.DistrictChanged(code, now))
            .Insert(AuditEntry.Record(caller, action, "district", code, now, code, detail: detail)), ct);
        return district;
    }

    private static Validator Validate(DistrictInput input)
    {
        var v = new Validator().Text(input.Name, "name", 50).Text(input.City, "city", 50).Text(input.Province, "province", 50);
        if (input.TravelLimitKm is { } km)
        {
            v.Range(km, 1, MaxTravelLimitKm, "travelLimitKm");
            v.Require(input.Lat is not null, "lat", new("admin.centre-required"));
            v.Require(input.Lon is not null, "lon", new("admin.centre-required"));
        }
        v.Require(input.Lat is null || input.Lat is >= 3 and <= 54, "lat", new("admin.centre-in-china"));
        v.Require(input.Lon is null || input.Lon is >= 73 and <= 136, "lon", new("admin.centre-in-china"));
        v.Require((input.Lat is null) == (input.Lon is null), input.Lat is null ? "lat" : "lon", new("query.lat-lon-together"));
        return v;
    }

    private static void EnsureAdministrator(Caller caller)
    {
        if (caller.Role != Role.Administrator) throw new ForbiddenException("forbidden.administrator");
    }
}
