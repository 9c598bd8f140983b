using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Bookings;
using Marketplace.Core.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Waitlist;

/// <summary>The web UI's waiting-list page: a school's own entries across sessions, each Waiting one with its queue position.</summary>
public class OwnWaitlistTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Fact]
    public async Task ListOwn_ShowsOnlyTheSchoolsEntries_NewestFirst_WithPositions()
    {
        var (_, _, first) = await BookingTests.FreshSessionAsync(factory, 4);
        var (_, _, second) = await BookingTests.FreshSessionAsync(factory, 4);
        var (school1, school2, school3) = (await factory.ClientForAsync("school1"), await factory.ClientForAsync("school2"), await factory.ClientForAsync("school3"));
        await WaitlistTests.BookAsync(school1, first, 4, "own-wl-book-01");
        await WaitlistTests.BookAsync(school1, second, 4, "own-wl-book-02");
        await (await WaitlistTests.JoinAsync(school3, second, 2)).AssertStatusAsync(201);
        var a = await (await WaitlistTests.JoinAsync(school2, first, 2)).AssertStatusAsync(201);
        var b = await (await WaitlistTests.JoinAsync(school2, second, 3)).AssertStatusAsync(201);
        var schoolId = a["schoolId"]!.GetValue<Guid>();

        var queries = factory.Services.GetRequiredService<WaitlistQueries>();
        var own = await queries.ListOwnAsync(new Caller(Guid.NewGuid(), "school2", Role.School, schoolId, []));

        Assert.Equal([b["id"]!.GetValue<Guid>(), a["id"]!.GetValue<Guid>()], own.Take(2).Select(e => e.Entry.Id));
        Assert.All(own, e => Assert.Equal(schoolId, e.Entry.SchoolId));
        Assert.All(own, e => Assert.Equal("校园足球训练营", e.OfferingTitle));
        Assert.All(own, e => Assert.NotNull(e.StartsAt));
        Assert.Equal(2, own[0].Entry.Position); // behind school3 on the second session
        Assert.Equal(1, own[1].Entry.Position);
        await Assert.ThrowsAsync<ForbiddenException>(() =>
            queries.ListOwnAsync(new Caller(Guid.NewGuid(), "provider1", Role.Provider, Guid.NewGuid(), [])));
    }
}
