using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class ProviderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Vetting_KeepsAnAuditTrail()
    {
        var p = Provider.Register("北京市朝阳区科学技术协会", ProviderKind.ScienceAssociation, "91110000802100433B", "王老师", "13800000000", ["110105"], Now);
        p.Approve("110105", "Bureau:bureau-110105", "材料齐全", Now.AddHours(1));
        p.Suspend("110105", "Bureau:bureau-110105", "安全检查未通过", Now.AddHours(2));
        Assert.Equal(ProviderStatus.Suspended, p.Status);
        Assert.Equal([ProviderStatus.Pending, ProviderStatus.Approved, ProviderStatus.Suspended], p.Decisions.Select(d => d.Status));
        Assert.Equal("安全检查未通过", p.Decisions[^1].Reason);
        Assert.False(p.CanPublish);
    }

    [Fact]
    public void Suspend_WhenPending_IsRefused()
    {
        var p = Provider.Register("x", ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105"], Now);
        Assert.Equal("Pending", Assert.Throws<TransitionRefusedException>(() => p.Suspend("110105", "b", "r", Now)).CurrentStatus);
    }

    [Fact]
    public void MayAct_WhilePendingOrApproved_NotWhileSuspendedOrRejected()
    {
        var p = Provider.Register("x", ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105"], Now);
        p.EnsureMayAct(); // pending: may draft
        p.Approve("110105", "b", null, Now);
        p.EnsureMayAct();
        p.Suspend("110105", "b", "安全检查", Now);
        Assert.Equal("provider-suspended", Assert.Throws<DomainRuleException>(() => p.EnsureMayAct()).Code);

        var rejected = Provider.Register("y", ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105"], Now);
        rejected.Reject("110105", "b", "材料不全", Now);
        Assert.Equal("provider-rejected", Assert.Throws<DomainRuleException>(() => rejected.EnsureMayAct()).Code);
    }

    [Fact]
    public void ADistrictsDecision_LeavesTheOtherDistrictsEntriesAlone()
    {
        var p = Provider.Register("北京市朝阳区科学技术协会", ProviderKind.ScienceAssociation, "91110000802100433B", "王老师", "13800000000", ["110105", "110101"], Now);
        Assert.Equal("110105", p.HomeDistrict);

        p.Approve("110105", "Bureau:bureau-110105", "材料齐全", Now.AddHours(1));
        p.Reject("110101", "Bureau:bureau-110101", "场地证明缺失", Now.AddHours(2));

        Assert.True(p.IsApprovedIn("110105"));
        Assert.False(p.IsApprovedIn("110101"));
        Assert.Equal(ProviderStatus.Rejected, p.EntryIn("110101")!.Status);
        Assert.Equal(ProviderStatus.Approved, p.Status); // the summary: approved somewhere
        Assert.True(p.CanPublish);
        Assert.Equal("110105", p.ReviewDistrict);
        Assert.Equal([null, "110105", "110101"], p.Decisions.Select(d => d.District));
        Assert.Equal([ProviderStatus.Pending, ProviderStatus.Approved], p.EntryIn("110105")!.Decisions.Select(d => d.Status));

        p.Suspend("110105", "Bureau:bureau-110105", "安全检查未通过", Now.AddHours(3));
        Assert.Equal(ProviderStatus.Rejected, p.EntryIn("110101")!.Status);
        Assert.Equal(ProviderStatus.Suspended, p.Status);
        Assert.Null(p.ReviewDistrict);
        Assert.Equal("provider-suspended", Assert.Throws<DomainRuleException>(() => p.EnsureMayAct()).Code);
        Assert.Equal("provider-rejected", Assert.Throws<DomainRuleException>(() => p.EnsureMayActIn("110101")).Code);
    }

    [Fact]
    public void ATransition_IsCheckedOnTheDistrictsOwnEntry_AndAnUnappliedDistrictIsNamed()
    {
        var p = Provider.Register("x", ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105", "110101"], Now);
        p.Approve("110105", "b", null, Now);

        Assert.Equal("Pending", Assert.Throws<TransitionRefusedException>(() => p.Suspend("110101", "b", "r", Now)).CurrentStatus);
        Assert.True(Assert.Throws<ValidationFailedException>(() => p.Approve("330106", "b", null, Now)).Errors.ContainsKey("district"));
        p.EnsureMayActIn("110101"); // pending there: may act
        p.ApplyFor(["330106"], "Provider:x", Now);
        Assert.Equal(["110105", "110101", "330106"], p.Districts);
        Assert.Equal(ProviderStatus.Pending, p.EntryIn("330106")!.Status);
        Assert.Equal(ProviderStatus.Approved, p.EntryIn("110105")!.Status);
    }

    [Fact]
    public void ApplyingAgain_ReopensARejectedEntryOnly_AndAnotherEntryRefusesTheWholeApplication()
    {
        var p = Provider.Register("x", ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105", "110101"], Now);
        p.Reject("110101", "Bureau:bureau-110101", "场地证明缺失", Now);
        var version = p.Version;

        var refused = Assert.Throws<DomainRuleException>(() => p.ApplyFor(["110101", "110105"], "Provider:x", Now));
        Assert.Equal("district-already-applied", refused.Code);
        Assert.Equal(ProviderStatus.Rejected, p.EntryIn("110101")!.Status);
        Assert.Equal(version, p.Version);

        p.ApplyFor(["110101", "110108"], "Provider:x", Now.AddHours(1));
        Assert.Equal(ProviderStatus.Pending, p.EntryIn("110101")!.Status);
        Assert.Equal(ProviderStatus.Pending, p.EntryIn("110108")!.Status);
        Assert.Equal(ProviderStatus.Pending, p.EntryIn("110105")!.Status);
        Assert.Equal(["110101", "110108"], p.Decisions.TakeLast(2).Select(d => d.District));
    }

    [Fact]
    public void ActingInADistrict_FollowsThatDistrictsEntry_AndAnUnappliedDistrictTheStandingAnywhere()
    {
        var p = Provider.Register("x", ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105", "110101"], Now);
        p.Approve("110105", "b", null, Now);
        p.Approve("110101", "b", null, Now);
        p.Suspend("110105", "b", "投诉调查", Now);

        Assert.Equal("provider-suspended", Assert.Throws<DomainRuleException>(() => p.EnsureMayActIn("110105")).Code);
        p.EnsureMayActIn("110101");
        p.EnsureMayActIn("330106"); // never applied there: approved somewhere, so it may answer
        p.EnsureMayAct();
        Assert.Equal("投诉调查", p.LastReasonIn("110105"));
        Assert.Null(p.LastReasonIn("110101"));
    }

    /// <summary>A provider stored before the per-district white list loads with one entry per district, in its old status and with its old decisions.</summary>
    [Fact]
    public void AnOldDocument_LoadsWithAnEntryPerDistrict()
    {
        var json = """
            {"id":"0197f000-0000-7000-8000-0000000000aa","version":3,"name":"x","kind":"Library","creditCode":"91110000802100433B",
             "contactName":"王","contactPhone":"13800000000","districts":["110105","110101"],"status":"Suspended",
             "registeredAt":"2026-11-01T00:00:00+00:00",
             "decisions":[{"status":"Pending","at":"2026-11-01T00:00:00+00:00","by":"Provider:x"},
                          {"status":"Approved","at":"2026-11-02T00:00:00+00:00","by":"Bureau:bureau"},
                          {"status":"Suspended","at":"2026-11-03T00:00:00+00:00","by":"Bureau:bureau","reason":"安全检查"}]}
            """;

        var p = StoreJson.Deserialize<Provider>(json);

        Assert.Equal(["110105", "110101"], p.Approvals.Select(a => a.District));
        Assert.All(p.Approvals, a => Assert.Equal(ProviderStatus.Suspended, a.Status));
        Assert.All(p.Approvals, a => Assert.Equal(3, a.Decisions.Count));
        Assert.Equal("110105", p.HomeDistrict);
        Assert.Equal(ProviderStatus.Suspended, p.Status);
        Assert.Equal("provider-suspended", Assert.Throws<DomainRuleException>(() => p.EnsureMayAct()).Code);

        p.Approve("110101", "Bureau:bureau-110101", null, Now);
        var again = StoreJson.Deserialize<Provider>(StoreJson.Serialize(p));
        Assert.True(again.IsApprovedIn("110101"));
        Assert.False(again.IsApprovedIn("110105"));
    }
}
