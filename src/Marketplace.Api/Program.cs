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
app.MapHub<MarketplaceHub>(MarketplaceHub.Route);
app.MapOperations();

app.Run();

/// <summary>Entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
