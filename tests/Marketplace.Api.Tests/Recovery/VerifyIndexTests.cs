using System.Net;
using Marketplace.Api.Outbox;
using Marketplace.Api.Recovery;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Core.Persistence;
using Marketplace.Core.Search;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Recovery;

/// <summary>
/// <c>verify-index</c> and its endpoints against an index corrupted on purpose (written past the projection): every kind of
/// drift is reported, the repair removes it, and a rebuild equals the store.
/// </summary>
public sealed class VerifyIndexTests
{
    [Fact]
    public async Task VerifyIndex_OnACorruptedIndex_ReportsEachDrift_AndRepairFixesIt()
    {
        using var factory = new MarketplaceFactory();
        var corrupted = await CorruptAsync(factory);

        var (exit, output) = await CliAsync(factory, repair: false);
        Assert.True(exit == RecoveryCli.DriftRemains, output);
        Assert.Contains($"missing     {corrupted.Missing}", output, StringComparison.Ordinal);
        Assert.Contains($"ghost       {corrupted.Ghost}", output, StringComparison.Ordinal);
        Assert.Contains($"version     {corrupted.Version}", output, StringComparison.Ordinal);
        Assert.Contains($"free-seats  {corrupted.Seats}  session {corrupted.Session}", output, StringComparison.Ordinal);
        Assert.Contains("4 drifts.", output, StringComparison.Ordinal);
        Assert.NotNull(await RestoreTests.FindAsync(factory, GhostTitle));

        (exit, output) = await CliAsync(factory, repair: true);
        Assert.True(exit == RecoveryCli.Done, output);
        Assert.Contains("Repair: re-projected 4 offerings.", output, StringComparison.Ordinal);
        Assert.EndsWith("The index equals the store.", output.TrimEnd(), StringComparison.Ordinal);
        Assert.Null(await RestoreTests.FindAsync(factory, GhostTitle));
        Assert.Equal(0, (await CliAsync(factory, repair: false)).Exit);
    }

    [Fact]
    public async Task TheVerifyEndpoint_IsTheBureausAndTheAdministrators_AndOnlyTheAdministratorRepairs()
    {
        using var factory = new MarketplaceFactory();
        var corrupted = await CorruptAsync(factory);

        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/api/admin/search/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await factory.ClientForAsync("school1")).GetAsync("/api/admin/search/verify")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await factory.ClientForAsync("provider1")).GetAsync("/api/admin/search/verify")).StatusCode);
        var bureau = await factory.ClientForAsync("bureau-110105");
        var report = await bureau.GetJsonAsync("/api/admin/search/verify");
        var drifts = report["found"]!["drifts"]!.AsArray();
        Assert.Equal(4, drifts.Count);
        Assert.Contains(drifts, d => d!["kind"]!.GetValue<string>() == "missing" && d["offeringId"]!.GetValue<Guid>() == corrupted.Missing);
        Assert.Contains(drifts, d => d!["kind"]!.GetValue<string>() == "ghost" && d["offeringId"]!.GetValue<Guid>() == corrupted.Ghost);
        Assert.Null(report["afterRepair"]);
        Assert.NotNull(await RestoreTests.FindAsync(factory, GhostTitle)); // read-only: nothing repaired

        Assert.Equal(HttpStatusCode.Forbidden, (await bureau.PostJsonAsync("/api/admin/search/repair", null)).StatusCode);
        var repaired = await (await (await factory.ClientForAsync("admin")).PostJsonAsync("/api/admin/search/repair", null)).ReadJsonAsync();
        Assert.Equal(4, repaired["found"]!["drifts"]!.AsArray().Count);
        Assert.True(repaired["afterRepair"]!["inStep"]!.GetValue<bool>());
        Assert.Null(await RestoreTests.FindAsync(factory, GhostTitle));
    }

    [Fact]
    public async Task AFullRebuild_EqualsTheStore()
    {
        using var factory = new MarketplaceFactory();
        var rebuilt = await (await (await factory.ClientForAsync("bureau-110105")).PostJsonAsync("/api/admin/search/rebuild", null)).ReadJsonAsync();
        var (exit, output) = await CliAsync(factory, repair: false);
        Assert.True(exit == RecoveryCli.Done, output);
        var indexed = rebuilt["indexed"]!.GetValue<long>();
        Assert.True(indexed > 0);
        Assert.Contains($"Searchable offerings: {indexed} in the store, {indexed} in the index.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarkRestored_UnderARunningHost_MakesItNotReady_UntilItsIndexIsRebuiltForTheNewEpoch()
    {
        using var factory = new MarketplaceFactory();
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);

        var output = new StringWriter();
        Assert.Equal(RecoveryCli.Done, await RecoveryCli.RunAsync(factory.Services, new RecoveryCommand("mark-restored", null, false, null), output, output));
        var epoch = await factory.Services.GetRequiredService<IStoreEpoch>().GetEpochAsync();
        Assert.Contains(epoch, output.ToString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
        await BookingTests.WaitForAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK ? new System.Text.Json.Nodes.JsonObject() : null,
            TimeSpan.FromSeconds(30));
        Assert.Equal(epoch, (await factory.Services.GetRequiredService<IOfferingIndex>().GetWatermarkAsync()).Epoch);
        Assert.True((await factory.Services.GetRequiredService<IndexVerify>().RunAsync(false, true, CancellationToken.None)).Found.InStep);
    }

    private const string GhostTitle = "从未发布的幽灵马术课";

    private sealed record Corrupted(Guid Missing, Guid Ghost, Guid Version, Guid Seats, Guid Session);

    /// <summary>Once the projection has settled (the index then equals the store), writes one drift of each kind past it.</summary>
    private static async Task<Corrupted> CorruptAsync(MarketplaceFactory factory)
    {
        var services = factory.Services;
        var settled = await services.GetRequiredService<IndexVerify>().RunAsync(false, true, CancellationToken.None);
        Assert.True(settled.Found.InStep, $"{settled.Found.Drifts.Count} drifts before the corruption");
        var index = services.GetRequiredService<IOfferingIndex>();
        var cursor = await services.GetRequiredService<IOutboxFeed>().GetLatestCursorAsync();
        var documents = await services.GetRequiredService<OfferingProjection>().AllDocumentsAsync(cursor).ToListAsync();
        var seats = documents.First(d => d.Sessions.Count > 0);
        var (missing, version) = (documents.First(d => d.Id != seats.Id), documents.Last(d => d.Id != seats.Id));
        Assert.NotEqual(missing.Id, version.Id);

        await index.RemoveAsync(missing.Id, cursor);
        await index.UpsertAsync(version with { UpdatedAt = version.UpdatedAt.AddMinutes(-30), Version = cursor });
        await index.UpsertAsync(seats with
        {
            Sessions = [seats.Sessions[0] with { FreeSeats = seats.Sessions[0].FreeSeats + 7 }, .. seats.Sessions.Skip(1)], Version = cursor,
        });
        await index.UpsertAsync(missing with { Id = Guid.CreateVersion7(), Title = GhostTitle, Version = cursor });
        var ghost = (await index.ListAsync().ToListAsync()).Single(o => documents.All(d => d.Id != o.Id)).Id;
        return new Corrupted(missing.Id, ghost, version.Id, seats.Id, seats.Sessions[0].Id);
    }

    private static async Task<(int Exit, string Output)> CliAsync(MarketplaceFactory factory, bool repair)
    {
        var output = new StringWriter();
        var exit = await RecoveryCli.RunAsync(factory.Services, new RecoveryCommand("verify-index", null, repair, null), output, output);
        return (exit, output.ToString());
    }
}
