using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Families;

/// <summary>Retention (issue 18): a pupil no roster import listed within Marketplace:Retention:Pupils is deleted by the sweep, and so is
/// a guardian left without a child.</summary>
public sealed class PupilRetentionTests : IDisposable
{
    private readonly FamilyFactory _factory = new(new Dictionary<string, string?>
    {
        ["Marketplace:Retention:Pupils"] = "00:00:03", ["Marketplace:Retention:Sweep"] = "00:00:01",
    });

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task PupilsNoRosterListed_AreDeletedWithTheirGuardians()
    {
        var store = _factory.Services.GetRequiredService<IMarketplaceStore>();
        var school = await _factory.ClientForAsync("school3");
        var schoolId = await _factory.OrganizationOfAsync("school3");
        await (await Roster.ImportAsync(school, schoolId, Roster.CsvOf(["钱多多", "2", "1班", "钱爸爸", "13911113333", ""]), dryRun: false)).AssertStatusAsync(200);
        Assert.Single(await store.FindUsersByPhoneAsync(["13911113333"]));

        // Bounded: the sweep runs every second and the pupil is over three seconds old after about four.
        for (var i = 0; i < 100 && (await store.ListPupilsAsync(new PupilFilter(SchoolId: schoolId))).Count > 0; i++) await Task.Delay(200);

        Assert.Empty(await store.ListPupilsAsync(new PupilFilter(SchoolId: schoolId)));
        Assert.Empty(await store.FindUsersByPhoneAsync(["13911113333"]));
        Assert.Empty(await store.ListPupilsAsync(new PupilFilter(GuardianId: null, Limit: 1000))); // the demo's too: none was on a roster since
    }
}
