using Marketplace.Api.Configuration;
using Marketplace.Api.Outbox;
using Marketplace.Core.Persistence;
using Marketplace.Core.Search;
using Marketplace.Storage.Sqlite;

namespace Marketplace.Api.Recovery;

/// <summary>A recovery command, taken out of the arguments before the host reads them.</summary>
public sealed record RecoveryCommand(string Verb, string? File, bool Repair, string? Error);

/// <summary>
/// <c>backup FILE</c>, <c>restore FILE</c> (embedded SQLite store), <c>mark-restored</c> (after restoring the store by other
/// means: MongoDB's mongorestore) and <c>verify-index [--repair]</c>. Exit codes: 0 done (verify: the index equals the store),
/// 1 failed, 2 usage, 3 the database is in use (restore), 4 drift remains (verify).
/// </summary>
public static class RecoveryCli
{
    public const int Done = 0, Failed = 1, Usage = 2, InUse = 3, DriftRemains = 4;

    private static readonly string[] Verbs = ["backup", "restore", "mark-restored", "verify-index"];

    public const string UsageText =
        "Usage: backup FILE | restore FILE | mark-restored | verify-index [--repair]" + "\n" +
        "  backup: an online, consistent copy of the SQLite store into the new FILE (the host may keep running)." + "\n" +
        "  restore: replaces the SQLite store with FILE and marks a new store epoch; refused while a host or command uses the store." + "\n" +
        "  mark-restored: marks a new store epoch after the store was restored by other means (mongorestore)." + "\n" +
        "  verify-index: compares every searchable offering with the search index; --repair re-projects the drifted ones.";

    public static bool TryParse(string[] args, out RecoveryCommand? command, out string[] hostArgs)
    {
        (command, hostArgs) = (null, args);
        if (args.Length == 0 || !Verbs.Contains(args[0])) return false;
        var verb = args[0];
        var rest = new List<string>();
        string? file = null, error = null;
        var repair = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (verb == "verify-index" && args[i] == "--repair") repair = true;
            else if (verb is "backup" or "restore" && file is null && !args[i].StartsWith("--", StringComparison.Ordinal)) file = args[i];
            else rest.Add(args[i]);
        }
        if (verb is "backup" or "restore" && string.IsNullOrWhiteSpace(file)) error = $"{verb} needs a FILE.";
        command = new RecoveryCommand(verb, file, repair, error);
        hostArgs = [.. rest];
        return true;
    }

    public static async Task<int> RunAsync(IServiceProvider services, RecoveryCommand command, TextWriter stdout, TextWriter stderr)
    {
        if (command.Error is { } usage)
        {
            await stderr.WriteLineAsync(usage + "\n" + UsageText);
            return Usage;
        }
        var settings = services.GetRequiredService<MarketplaceSettings>();
        if (command.Verb is "backup" or "restore" && settings.Store != StoreKind.Sqlite)
        {
            await stderr.WriteLineAsync($"{command.Verb} is for the embedded SQLite store. Back up and restore MongoDB with mongodump/mongorestore, then run mark-restored (docs/operations.md, Backups).");
            return Usage;
        }
        try
        {
            switch (command.Verb)
            {
                case "backup":
                    var version = SqliteBackup.Backup(settings.DatabasePath, command.File!);
                    await stdout.WriteLineAsync($"Backup of {settings.DatabasePath} written to {command.File} (schema version {version}).");
                    return Done;
                case "restore":
                    var epoch = SqliteBackup.Restore(settings.DatabasePath, command.File!);
                    await stdout.WriteLineAsync($"{settings.DatabasePath} restored from {command.File}; new store epoch {epoch}. The search index is rebuilt at the next start.");
                    return Done;
                case "mark-restored":
                    await services.GetRequiredService<IMarketplaceStore>().InitializeAsync();
                    var marked = await services.GetRequiredService<IStoreEpoch>().MarkRestoredAsync();
                    await stdout.WriteLineAsync($"New store epoch {marked}: every search index built before it is rebuilt (at start-up, or by a running replica's readiness check).");
                    return Done;
                default:
                    return await VerifyAsync(services, command.Repair, stdout);
            }
        }
        catch (SqliteBackupException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return e.InUse ? InUse : Failed;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Core.Shared.DomainRuleException)
        {
            await stderr.WriteLineAsync($"Not done: {e.Message}");
            return Failed;
        }
    }

    private static async Task<int> VerifyAsync(IServiceProvider services, bool repair, TextWriter stdout)
    {
        await services.GetRequiredService<IMarketplaceStore>().InitializeAsync();
        await services.GetRequiredService<IOfferingIndex>().InitializeAsync();
        var outcome = await services.GetRequiredService<IndexVerify>().RunAsync(repair, projectionRuns: false, CancellationToken.None);
        await WriteAsync(stdout, outcome.Found);
        if (outcome.AfterRepair is { } after)
        {
            await stdout.WriteLineAsync(outcome.Rebuilt
                ? "Repair: rebuilt the index from the store."
                : $"Repair: re-projected {outcome.Found.Drifts.Select(d => d.OfferingId).Distinct().Count()} offerings.");
            await stdout.WriteLineAsync("After the repair:");
            await WriteAsync(stdout, after);
        }
        return outcome.Remaining.InStep ? Done : DriftRemains;
    }

    private static async Task WriteAsync(TextWriter stdout, IndexReport report)
    {
        await stdout.WriteLineAsync($"Store epoch {report.StoreEpoch}, newest cursor {report.StoreCursor}; index epoch {report.IndexEpoch ?? "(none)"}, up to cursor {report.IndexCursor}.");
        await stdout.WriteLineAsync($"Searchable offerings: {report.Searchable} in the store, {report.Indexed} in the index.");
        if (report.History is { } history) await stdout.WriteLineAsync($"history  the index reflects another store history ({history}): only a rebuild fixes it.");
        foreach (var d in report.Drifts)
        {
            await stdout.WriteLineAsync(d.Kind switch
            {
                IndexDrift.Missing => $"missing     {d.OfferingId}  searchable in the store, not in the index",
                IndexDrift.Ghost => $"ghost       {d.OfferingId}  in the index (version {d.IndexedVersion}), not searchable in the store",
                IndexDrift.Version => $"version     {d.OfferingId}  index version {d.IndexedVersion} of {d.IndexedUpdatedAt:O}, store updated {d.StoreUpdatedAt:O}",
                _ => $"free-seats  {d.OfferingId}  session {d.SessionId}: store {Seats(d.StoreFreeSeats)}, index {Seats(d.IndexedFreeSeats)}",
            });
        }
        await stdout.WriteLineAsync(report.InStep ? "The index equals the store." : $"{report.Drifts.Count} drifts.");
    }

    private static string Seats(int? seats) => seats is { } n ? $"{n} free" : "no such session";
}
