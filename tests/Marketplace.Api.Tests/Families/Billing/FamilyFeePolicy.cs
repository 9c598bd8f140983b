using System.Net.Http.Json;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Schools;

namespace Marketplace.Api.Tests.Families.Billing;

/// <summary>
/// DOMAIN.md's figures as 朝阳 (110105)'s funding policy for this semester: S ¥3.00 and F ¥3.50 per 课时, insurance ¥1.00 as 代收费
/// (waived for 家庭经济困难 pupils), refunds by <c>rule</c> — an 80-minute primary session at ¥12.00 bills a family 700.
/// </summary>
internal static class FamilyFeePolicy
{
    public static async Task PutAsync(MarketplaceFactory factory, string rule = "PerDay")
    {
        var bureau = await factory.ClientForAsync("bureau-110105");
        await (await bureau.PutAsJsonAsync("/api/districts/110105/funding-policy", new
        {
            semester = Semester.Of(DateTimeOffset.UtcNow).Name, subsidyFen = 300, subsidyUnit = "PerLesson", familyCapFen = 350, familyCapUnit = "PerLesson",
            collectedFees = new[] { new { kind = "Insurance", maxFen = 100, waivedForHardship = true } }, refundRule = new { unit = rule },
        })).AssertStatusAsync(200);
    }
}
