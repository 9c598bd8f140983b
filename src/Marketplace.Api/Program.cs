using Marketplace.Api.Auth;
using Marketplace.Api.Booking;
using Marketplace.Api.Realtime;
using Marketplace.Api.Catalog;
using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Api.Schools;
using Marketplace.Api.Search;

var builder = WebApplication.CreateBuilder(args);

var settings = builder.AddMarketplaceAdapters();
builder.AddMarketplaceAuth(settings);
builder.AddMarketplaceHosting();
builder.AddMarketplaceModules();

var app = builder.Build();

if (args.Contains("--rebuild-index"))
{
    // CLI: `dotnet run --project src/Marketplace.Api -- --rebuild-index` rebuilds the search index from the store and exits.
    await app.RebuildIndexAndExitAsync();
    return;
}

app.UseMarketplaceHosting();
app.MapAuth();
app.MapDistricts();
app.MapProviders();
app.MapOfferings();
app.MapSessions();
app.MapSchools();
app.MapSearch();
app.MapBookings();
app.MapEvents();
app.MapHub<MarketplaceHub>(MarketplaceHub.Route).AllowAnonymous(); // anyone may watch availability; signed-in callers also get their own streams
app.MapOperations();

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
