using Marketplace.Core.Catalog;
using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class CreditCodeTests
{
    [Theory]
    [InlineData("91350100M000100Y43")]
    [InlineData("91110000802100433B")]
    [InlineData("91110000802100433b")]
    public void RealCodes_Pass(string code) => Assert.True(CreditCode.IsValid(code));

    [Theory]
    [InlineData("91350100M000100Y44")] // wrong [18] check
    [InlineData("91350100M000100Y53")] // wrong [17] organisation check
    [InlineData("91350100M000100Y4")]  // 17 characters
    [InlineData("91350100M00O100Y43")] // O is not in the alphabet
    [InlineData("")]
    [InlineData(null)]
    public void Broken_Codes_Fail(string? code) => Assert.False(CreditCode.IsValid(code));

    [Fact]
    public void CheckCharacter_RebuildsTheLastCharacter()
    {
        Assert.Equal('3', CreditCode.CheckCharacter("91350100M000100Y4"));
        Assert.Equal('4', CreditCode.OrganizationCheckDigit("M000100Y"));
    }
}
