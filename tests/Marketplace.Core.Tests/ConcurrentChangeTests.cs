using Marketplace.Core.Shared;

namespace Marketplace.Core.Tests;

public class ConcurrentChangeTests
{
    [Fact]
    public async Task AConflict_IsTriedAgain_UntilAnAttemptCommits()
    {
        var attempts = 0;
        var result = await ConcurrentChange.RetryAsync(() =>
            ++attempts < 3 ? throw new ConcurrencyConflictException("booking", Guid.Empty) : Task.FromResult("committed"));
        Assert.Equal(("committed", 3), (result, attempts));
    }

    [Fact]
    public async Task ConflictsEveryTime_EndIn409ConcurrentChange_NotTheConflict()
    {
        var attempts = 0;
        var e = await Assert.ThrowsAsync<DomainRuleException>(() => ConcurrentChange.RetryAsync<int>(() =>
        {
            attempts++;
            throw new ConcurrencyConflictException("booking", Guid.Empty);
        }));
        Assert.Equal(("concurrent-change", ConcurrentChange.MaxAttempts), (e.Code, attempts));
    }

    [Fact]
    public async Task ARuleRefusal_IsNotTriedAgain()
    {
        var attempts = 0;
        await Assert.ThrowsAsync<TransitionRefusedException>(() => ConcurrentChange.RetryAsync<int>(() =>
        {
            attempts++;
            throw new TransitionRefusedException("booking-transition", Bookings.BookingStatus.Cancelled, Bookings.BookingStatus.Cancelled);
        }));
        Assert.Equal(1, attempts);
    }
}
