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
        p.Approve("Bureau:bureau", "材料齐全", Now.AddHours(1));
        p.Suspend("Bureau:bureau", "安全检查未通过", Now.AddHours(2));
        Assert.Equal(ProviderStatus.Suspended, p.Status);
        Assert.Equal([ProviderStatus.Pending, ProviderStatus.Approved, ProviderStatus.Suspended], p.Decisions.Select(d => d.Status));
        Assert.Equal("安全检查未通过", p.Decisions[^1].Reason);
        Assert.False(p.CanPublish);
    }

    [Fact]
    public void Suspend_WhenPending_IsRefused()
    {
        var p = Provider.Register("x", ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105"], Now);
        Assert.Equal("Pending", Assert.Throws<TransitionRefusedException>(() => p.Suspend("b", "r", Now)).CurrentStatus);
    }

    [Fact]
    public void MayAct_WhilePendingOrApproved_NotWhileSuspendedOrRejected()
    {
        var p = Provider.Register("x", ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105"], Now);
        p.EnsureMayAct(); // pending: may draft
        p.Approve("b", null, Now);
        p.EnsureMayAct();
        p.Suspend("b", "安全检查", Now);
        Assert.Equal("provider-suspended", Assert.Throws<DomainRuleException>(() => p.EnsureMayAct()).Code);

        var rejected = Provider.Register("y", ProviderKind.Library, "91110000802100433B", "王", "13800000000", ["110105"], Now);
        rejected.Reject("b", "材料不全", Now);
        Assert.Equal("provider-rejected", Assert.Throws<DomainRuleException>(() => rejected.EnsureMayAct()).Code);
    }
}
