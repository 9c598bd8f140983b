using System.Text.Json.Nodes;
using Marketplace.Core.Catalog;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Persistence;
using Marketplace.Core.Search;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class DistrictReachTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 2, 0, 0, TimeSpan.Zero);

    // Centres as in the demo: 东城, 西城, 朝阳 (Beijing), 上城, 拱墅 (Hangzhou).
    private static readonly District Dongcheng = new("110101", "东城区", "北京市", "北京市", Lat: 39.9288, Lon: 116.4160);
    private static readonly District Xicheng = new("110102", "西城区", "北京市", "北京市", Lat: 39.9123, Lon: 116.3660);
    private static readonly District Chaoyang = new("110105", "朝阳区", "北京市", "北京市", Lat: 39.9215, Lon: 116.4434);
    private static readonly District Shangcheng = new("330102", "上城区", "杭州市", "浙江省", Lat: 30.2425, Lon: 120.1692);
    private static readonly District Gongshu = new("330105", "拱墅区", "杭州市", "浙江省", Lat: 30.3192, Lon: 120.1418);
    private static readonly District[] All = [Dongcheng, Xicheng, Chaoyang, Shangcheng, Gongshu];
    private static readonly HashSet<string> Known = [.. All.Select(d => d.Code)];

    /// <summary>Home 朝阳; applied to 朝阳, 东城, 西城 and 上城; approved in all but 西城 (still pending there).</summary>
    private static Provider BeijingProvider()
    {
        var p = Provider.Register("北京市朝阳区科学技术协会", ProviderKind.ScienceAssociation, "91110000802100433B", "王老师", "13800000000",
            ["110105", "110101", "110102", "330102"], Now);
        foreach (var d in new[] { "110105", "110101", "330102" }) p.Approve(d, "Bureau:bureau-" + d, null, Now);
        return p;
    }

    private static Offering Published(DeliveryMode mode, double lat = 39.93, double lon = 116.45, string? venueDistrict = null, string[]? districts = null)
    {
        var input = new OfferingInput("青少年机器人编程科普课", "动手搭建机器人", "", Category.Science, mode, [3, 4, 5], 10, 30, 90, 500,
            new VenueInput("场馆", lat, lon, venueDistrict), districts ?? ["110105"], [], 24);
        var o = Offering.Create(Guid.NewGuid(), input.Validate(Known), Now);
        o.Submit(Now);
        o.Approve("Bureau:bureau-110105", null, Now);
        return o;
    }

    [Fact]
    public void OffCampus_ByDefault_ReachesTheApprovedDistrictsOfTheVenuesCity()
    {
        var provider = BeijingProvider();
        var offering = Published(DeliveryMode.OffCampus); // no venue district: the provider's home, 朝阳 (Beijing)

        Assert.Equal(["110101", "110105"], DistrictReach.VisibleIn(offering, provider, All));
        Assert.Equal(Reach.Hidden, DistrictReach.For(offering, provider, Xicheng, All));        // pending there
        Assert.Equal(Reach.VenueTooFar, DistrictReach.For(offering, provider, Shangcheng, All)); // approved, but another city
    }

    [Fact]
    public void OffCampus_WithTheVenuesDistrict_UsesItsCity()
    {
        var provider = BeijingProvider();
        var offering = Published(DeliveryMode.OffCampus, 30.32, 120.14, venueDistrict: "330105"); // a venue in 拱墅, Hangzhou

        Assert.Equal(["330102"], DistrictReach.VisibleIn(offering, provider, All));
        Assert.Equal(Reach.VenueTooFar, DistrictReach.For(offering, provider, Chaoyang, All));
    }

    [Fact]
    public void OffCampus_WithATravelLimit_IsMeasuredInKmFromTheDistrictsCentre()
    {
        var provider = BeijingProvider();
        var dongchengWithin5Km = Dongcheng with { TravelLimitKm = 5 };
        var near = Published(DeliveryMode.OffCampus, 39.9400, 116.4400);  // ≈ 2.4 km from 东城's centre
        var far = Published(DeliveryMode.OffCampus, 40.0700, 116.3000);   // ≈ 18.8 km: same city, beyond 5 km
        Assert.InRange(DistrictReach.DistanceKm(Dongcheng.Lat!.Value, Dongcheng.Lon!.Value, 39.94, 116.44), 2, 3);
        Assert.InRange(DistrictReach.DistanceKm(Dongcheng.Lat!.Value, Dongcheng.Lon!.Value, 40.07, 116.30), 15, 25);

        District[] districts = [dongchengWithin5Km, Xicheng, Chaoyang, Shangcheng, Gongshu];
        Assert.Equal(Reach.Visible, DistrictReach.For(near, provider, dongchengWithin5Km, districts));
        Assert.Equal(Reach.VenueTooFar, DistrictReach.For(far, provider, dongchengWithin5Km, districts));
        Assert.Equal(["110105"], DistrictReach.VisibleIn(far, provider, districts)); // 朝阳 keeps the same-city default

        // A limit is km, not the city: 上城 with 1,300 km reaches a Beijing venue (≈ 1,120 km away).
        District[] wide = [Dongcheng, Xicheng, Chaoyang, Shangcheng with { TravelLimitKm = 1300 }, Gongshu];
        Assert.Equal(["110101", "110105", "330102"], DistrictReach.VisibleIn(near, provider, wide));
    }

    [Fact]
    public void OnCampus_ReachesOnlyItsOwnDistricts_AndBothTakesEitherWay()
    {
        var provider = BeijingProvider();
        var onCampus = Published(DeliveryMode.OnCampus, districts: ["110105", "110102"]);
        Assert.Equal(["110105"], DistrictReach.VisibleIn(onCampus, provider, All)); // 西城 served but not approved
        Assert.Equal(Reach.DistrictNotServed, DistrictReach.For(onCampus, provider, Dongcheng, All));

        var both = Published(DeliveryMode.Both, districts: ["330102"]); // on campus in 上城, venue in Beijing
        Assert.Equal(["110101", "110105", "330102"], DistrictReach.VisibleIn(both, provider, All));
    }

    [Fact]
    public void Blocked_HidesTheOfferingInThatDistrictOnly()
    {
        var provider = BeijingProvider();
        var offering = Blocked(Published(DeliveryMode.OffCampus), "110101");

        Assert.True(offering.IsBlockedIn("110101"));
        Assert.Equal(Reach.Hidden, DistrictReach.For(offering, provider, Dongcheng, All));
        Assert.False(DistrictReach.IsShownIn(offering, provider, "110101"));
        Assert.Equal(["110105"], DistrictReach.VisibleIn(offering, provider, All));
    }

    [Fact]
    public void NotApproved_HidesTheOfferingThere_OtherDistrictsKeepIt()
    {
        var provider = BeijingProvider();
        var offering = Published(DeliveryMode.OffCampus);
        provider.Suspend("110105", "Bureau:bureau-110105", "安全检查", Now);

        Assert.Equal(Reach.Hidden, DistrictReach.For(offering, provider, Chaoyang, All));
        Assert.False(DistrictReach.IsShownIn(offering, provider, "110102")); // pending
        Assert.Equal(["110101"], DistrictReach.VisibleIn(offering, provider, All));
    }

    [Fact]
    public void VenueDistrict_MustBeKnown()
    {
        var input = new OfferingInput("青少年机器人编程科普课", "动手搭建机器人", "", Category.Science, DeliveryMode.OffCampus, [3], 10, 30, 90, 500,
            new VenueInput("场馆", 39.93, 116.45, "999999"), [], [], 24);
        var e = Assert.Throws<ValidationFailedException>(() => input.Validate(Known));
        Assert.Equal(["venue.districtCode"], e.Errors.Keys);
    }

    [Fact]
    public void GeoPoint_MeasuresAsTheRuleDoes() =>
        Assert.Equal(DistrictReach.DistanceKm(39.9288, 116.4160, 30.2425, 120.1692), new GeoPoint(39.9288, 116.4160).DistanceKmTo(new GeoPoint(30.2425, 120.1692)));

    /// <summary>Blocking is a bureau's use case (package C); here the stored shape of a block is enough.</summary>
    private static Offering Blocked(Offering offering, string district)
    {
        var json = JsonNode.Parse(StoreJson.Serialize(offering))!.AsObject();
        json["blocks"] = new JsonArray(JsonNode.Parse(StoreJson.Serialize(new OfferingBlock(district, Now, "Bureau:bureau-" + district, "场地安全隐患"))));
        return StoreJson.Deserialize<Offering>(json.ToJsonString());
    }
}
