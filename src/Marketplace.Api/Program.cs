using Marketplace.Api.Auth;
using Marketplace.Api.Bookings;
using Marketplace.Api.Catalog;
using Marketplace.Api.Configuration;
using Marketplace.Api.Hosting;
using Marketplace.Api.Outbox;
using Marketplace.Api.Realtime;
using Marketplace.Api.Schools;
using Marketplace.Api.Search;

var builder = WebApplication.CreateBuilder(args);

var settings = builder.AddMarketplaceAdapters(); // every Marketplace:* setting, validated; one adapter per port
builder.Services
    .AddMarketplaceHosting(settings) // first: its start-up initializer runs before every other hosted service
    .AddMarketplaceAuth(settings)
    .AddCatalog(settings)
    .AddSchools()
    .AddSearch()
    .AddBookings(settings)
    .AddRealtime()
    .AddOutbox();

var app = builder.Build();

if (args.Contains("--rebuild-index"))
{
    // CLI: `dotnet run --project src/Marketplace.Api -- --rebuild-index` rebuilds the search index from the store and exits.
    await app.RebuildIndexAndExitAsync();
    return;
}

app.UseMarketplaceHosting();
app.MapAuth();
app.MapCatalog();
app.MapSchools();
app.MapSearch();
app.MapBookings();
app.MapRealtime();
app.MapOperations();

await app.RunAsync();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
