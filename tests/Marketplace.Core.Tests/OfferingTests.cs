using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class OfferingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 2, 0, 0, TimeSpan.Zero);
    private static readonly HashSet<string> Districts = ["110105", "110108"];

    internal static OfferingInput Input(DeliveryMode mode = DeliveryMode.Both, long price = 500, int[]? grades = null, string title = "青少年机器人编程科普课") =>
        new(title, "动手搭建机器人", "", Category.Science, mode, grades ?? [3, 4, 5], 10, 30, 90, price,
            new VenueInput("北京市朝阳区科技馆", 39.92, 116.44), ["110105"], ["机器人"], 24);

    private static Offering Published()
    {
        var o = Offering.Create(Guid.NewGuid(), Input().Validate(Districts), Now);
        o.Submit(Now);
        o.Approve("Bureau:bureau", null, Now);
        return o;
    }

    [Fact]
    public void Lifecycle_DraftToPublishedToArchived()
    {
        var o = Published();
        Assert.Equal(OfferingStatus.Published, o.Status);
        o.Pause(Now);
        o.Resume(Now);
        o.Archive(Now);
        Assert.Equal(OfferingStatus.Archived, o.Status);
        Assert.Equal(6, o.Version);
    }

    [Fact]
    public void ABlock_HoldsInItsDistrictOnly_LeavesTheStatus_AndIsLiftedByItsDistrict()
    {
        var o = Published();
        var version = o.Version;
        o.Block("110101", "Bureau:bureau-110101", " 家长投诉 ", Now);
        Assert.True(o.IsBlockedIn("110101"));
        Assert.False(o.IsBlockedIn("110105"));
        Assert.Equal(OfferingStatus.Published, o.Status);
        Assert.Equal(version + 1, o.Version);
        Assert.Equal(new OfferingBlock("110101", Now, "Bureau:bureau-110101", "家长投诉"), Assert.Single(o.Blocks));
        Assert.Equal("offering-already-blocked", Assert.Throws<DomainRuleException>(() => o.Block("110101", "b", "again", Now)).Code);
        Assert.Equal("offering-not-blocked", Assert.Throws<DomainRuleException>(() => o.Unblock("110108", Now)).Code);

        o.Block("110108", "Bureau:bureau-110108", "场地", Now);
        o.Unblock("110101", Now);
        Assert.Equal(["110108"], o.Blocks.Select(b => b.District));
    }

    [Fact]
    public void Approve_WhenDraft_IsRefused()
    {
        var o = Offering.Create(Guid.NewGuid(), Input().Validate(Districts), Now);
        var refused = Assert.Throws<TransitionRefusedException>(() => o.Approve("Bureau:bureau", null, Now));
        Assert.Equal(("offering-transition", "Draft"), (refused.Code, refused.CurrentStatus));
    }

    [Theory]
    [InlineData(900L, null)]
    [InlineData(500L, new[] { 3, 4 })]
    public void Edit_OfPublished_ThatChangesPriceOrGrades_GoesBackToReview(long price, int[]? grades)
    {
        var o = Published();
        o.Edit(Input(price: price, grades: grades ?? [3, 4, 5]).Validate(Districts), Now);
        Assert.Equal(OfferingStatus.PendingReview, o.Status);
    }

    [Fact]
    public void Edit_OfPublished_WordingOnly_StaysPublished()
    {
        var o = Published();
        o.Edit(Input(title: "青少年机器人编程科普体验课").Validate(Districts), Now);
        Assert.Equal(OfferingStatus.Published, o.Status);
        Assert.Equal("青少年机器人编程科普体验课", o.Content.Title);
    }

    [Fact]
    public void Validate_NamesEveryBadField()
    {
        var bad = new OfferingInput("数学提高班", "", null, null, DeliveryMode.OffCampus, [0, 10], 20, 5, 5, -1, null, null, null, null);
        var errors = Assert.Throws<ValidationFailedException>(() => bad.Validate(Districts)).Errors;
        foreach (var field in new[] { "title", "summary", "category", "grades", "maxGroup", "durationMinutes", "priceFen", "venue" })
            Assert.True(errors.ContainsKey(field), $"no error for {field}: {string.Join(",", errors.Keys)}");
    }

    [Fact]
    public void Validate_OnCampus_NeedsKnownDistricts()
    {
        var none = Input(DeliveryMode.OnCampus) with { Districts = [] };
        Assert.Contains("districts", Assert.Throws<ValidationFailedException>(() => none.Validate(Districts)).Errors.Keys);
        var unknown = Input(DeliveryMode.OnCampus) with { Districts = ["999999"] };
        Assert.Contains("districts", Assert.Throws<ValidationFailedException>(() => unknown.Validate(Districts)).Errors.Keys);
    }

    [Fact]
    public void Validate_OffCampus_DropsDistrictsAndKeepsVenue()
    {
        var content = Input(DeliveryMode.OffCampus).Validate(Districts);
        Assert.Empty(content.Districts);
        Assert.NotNull(content.Venue);
    }
}
