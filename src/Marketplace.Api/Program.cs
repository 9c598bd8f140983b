using Marketplace.Api.Admin;
using Marketplace.Api.Auth;
using Marketplace.Api.Bookings;
using Marketplace.Api.Catalog;
using Marketplace.Api.Configuration;
using Marketplace.Api.Families;
using Marketplace.Api.Hosting;
using Marketplace.Api.Matching;
using Marketplace.Api.Outbox;
using Marketplace.Api.Realtime;
using Marketplace.Api.Recovery;
using Marketplace.Api.Reports;
using Marketplace.Api.Schools;
using Marketplace.Api.Search;
using Marketplace.Api.Settlement;
using Marketplace.Api.Web;

// CLI: `admin create --username NAME …` (Admin/AdminCli); its words are taken out before the host reads its arguments.
var adminRun = AdminCli.TryParse(args, out var adminCommand, out var hostArgs);
// CLI: `backup FILE`, `restore FILE`, `mark-restored`, `verify-index [--repair]` (Recovery/RecoveryCli), taken out the same way.
var recoveryRun = RecoveryCli.TryParse(hostArgs, out var recoveryCommand, out hostArgs);
var builder = WebApplication.CreateBuilder(hostArgs);
builder.UseDefaultUrlUnlessConfigured("http://localhost:5080"); // --urls, ASPNETCORE_URLS, *_HTTP_PORTS or Kestrel:Endpoints win

MarketplaceSettings settings;
try
{
    settings = builder.AddMarketplaceAdapters(); // every Marketplace:* setting, validated; one adapter per port
}
catch (InvalidConfigurationException e) when (StartedFromTheCommandLine())
{
    // One clear message naming each setting to fix, not an exception trace.
    Console.Error.WriteLine(e.Message);
    return 1;
}
builder.Services
    .AddMarketplaceHosting(settings) // first: its start-up initializer runs before every other hosted service
    .AddMarketplaceAuth(settings)
    .AddCatalog(settings)
    .AddSchools()
    .AddFamilies(settings)
    .AddSearch()
    .AddBookings(settings)
    .AddSettlement(settings, builder.Configuration)
    .AddMatching()
    .AddReports()
    .AddRealtime()
    .AddOutbox()
    .AddAdmin(settings)
    .AddWeb(settings);

var app = builder.Build();

if (adminRun) return await AdminCli.RunAsync(app.Services, adminCommand!, Console.In, Console.Out, Console.Error);
if (recoveryRun)
{
    await using (app) return await RecoveryCli.RunAsync(app.Services, recoveryCommand!, Console.Out, Console.Error);
}

if (args.Contains("--rebuild-index"))
{
    // CLI: `dotnet run --project src/Marketplace.Api -- --rebuild-index` rebuilds the search index from the store and exits.
    await app.RebuildIndexAndExitAsync();
    return 0;
}

app.UseMarketplaceHosting();
app.MapAuth();
app.MapCatalog();
app.MapSchools();
app.MapFamilies();
app.MapSearch();
app.MapBookings();
app.MapSettlement();
app.MapMatching();
app.MapReports();
app.MapRealtime();
app.MapAdmin();
app.MapOperations();
app.MapWeb(); // the web UI at "/"

await app.RunAsync();
return 0;

// A host started in-process by tests (WebApplicationFactory) lets the exception reach them.
static bool StartedFromTheCommandLine() => System.Reflection.Assembly.GetEntryAssembly() == typeof(Program).Assembly;

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
