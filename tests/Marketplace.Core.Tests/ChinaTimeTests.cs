using Marketplace.Core.Persistence;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class ChinaTimeTests
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    [Theory]
    [InlineData("2026-09-01T15:40:00", 15, 40)]          // no offset: Beijing wall-clock time
    [InlineData("2026-09-01T15:40", 15, 40)]
    [InlineData("2026-09-01T15:40:00+08:00", 15, 40)]
    [InlineData("2026-09-01T07:40:00Z", 15, 40)]
    [InlineData("2026-09-01T09:40:00+02:00", 15, 40)]
    public void Instants_WithoutOffset_AreBeijingTime_OthersKeepTheirOffset(string raw, int hour, int minute)
    {
        Assert.True(ChinaTime.TryParseInstant(raw, out var at));
        Assert.Equal(new DateTimeOffset(2026, 9, 1, hour, minute, 0, Beijing), at);
        Assert.Equal(TimeSpan.Zero, at.Offset);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00")]   // would throw converting to UTC (Shanghai kept +08:05:43 before 1901)
    [InlineData("1899-12-31T12:00:00+08:00")]
    [InlineData("2100-01-01T00:00:00Z")]
    [InlineData("next tuesday")]
    [InlineData("")]
    [InlineData(null)]
    public void Unparsable_OrOutOfRange_IsRefused(string? raw) => Assert.False(ChinaTime.TryParseInstant(raw, out _));
}
