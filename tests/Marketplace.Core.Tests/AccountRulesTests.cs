using Marketplace.Core.Catalog;
using Marketplace.Core.Identity;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

/// <summary>Issue 12: the password rules, the GB/T 2260 county-level check and the per-account lockout count.</summary>
public class AccountRulesTests
{
    private static string[] Codes(string? password, string? username = "teacher") =>
        PasswordRules.Check(new Validator(), "password", password, username).IsValid
            ? []
            : Assert.Throws<ValidationFailedException>(() => PasswordRules.Check(new Validator(), "password", password, username).ThrowIfInvalid())
                .Errors["password"].Select(m => m.Key).ToArray();

    [Theory]
    [InlineData("Weiqi@2026")]
    [InlineData("Demo@2026")]
    [InlineData("kaishi2026!")] // lower, digits, other
    [InlineData("天文学会Abc12")] // letters of any script count as letters
    public void GoodPasswords_Pass(string password) => Assert.Empty(Codes(password));

    [Theory]
    [InlineData(null, "validation.password-length")]
    [InlineData("Ab1!xyz", "validation.password-length")]
    [InlineData("alllowercaseletters", "account.password-classes")]
    [InlineData("ALLUPPER1234", "account.password-classes")]
    [InlineData("Teacher@2026", "account.password-username")]
    [InlineData("P@ssw0rd", "account.password-common")]
    [InlineData("Admin@123", "account.password-common")]
    public void BadPasswords_SayWhy(string? password, string code) => Assert.Contains(code, Codes(password));

    [Fact]
    public void TheLengthBound_Is128() => Assert.Equal(["validation.password-length"], Codes("Aa1!" + new string('x', 125)));

    [Theory]
    [InlineData("110101", true)]
    [InlineData("330106", true)]
    [InlineData("500101", true)] // 重庆市万州区
    [InlineData("110100", false)]
    [InlineData("110001", false)]
    [InlineData("100101", false)]
    [InlineData("910101", false)]
    [InlineData("1101011", false)]
    [InlineData("١١٠١٠١", false)]
    [InlineData(null, false)]
    public void CountyLevelCodes(string? code, bool valid) => Assert.Equal(valid, AreaCode.IsCountyLevel(code));

    [Fact]
    public void Lockout_CountsToTheMaximum_IgnoresFailuresWhileLocked_AndStartsAgainAfterIt()
    {
        var policy = new LockoutPolicy(3, TimeSpan.FromMinutes(15));
        var user = User.Create("teacher", "hash", Role.School, Ids.New(), "王老师", OrgRole.Admin);
        var now = new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);

        Assert.True(user.RecordFailedSignIn(now, policy));
        Assert.True(user.RecordFailedSignIn(now, policy));
        Assert.False(user.IsLockedAt(now));
        Assert.True(user.RecordFailedSignIn(now, policy));
        Assert.True(user.IsLockedAt(now.AddMinutes(14)));
        Assert.False(user.RecordFailedSignIn(now.AddMinutes(1), policy));
        Assert.Equal(3, user.FailedSignIns);

        Assert.True(user.RecordFailedSignIn(now.AddMinutes(16), policy));
        Assert.Equal((1, null), (user.FailedSignIns, user.LockedUntil));
        Assert.True(user.RecordSuccessfulSignIn());
        Assert.False(user.RecordSuccessfulSignIn());
    }

    [Fact]
    public void EveryChangeThatMustStopTokens_GivesANewStamp()
    {
        var user = User.Create("teacher", "hash", Role.School, Ids.New(), "王老师", OrgRole.Admin);
        var stamps = new List<Guid> { user.SecurityStamp };
        user.ChangePassword("h2");
        stamps.Add(user.SecurityStamp);
        user.ResetPassword("h3");
        stamps.Add(user.SecurityStamp);
        user.Disable();
        stamps.Add(user.SecurityStamp);
        user.SetOrganizationDisabled(true);
        stamps.Add(user.SecurityStamp);
        Assert.Equal(stamps.Count, stamps.Distinct().Count());
        Assert.Throws<TransitionRefusedException>(user.Disable);
    }
}
