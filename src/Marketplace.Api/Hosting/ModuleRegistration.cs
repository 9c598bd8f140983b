using Marketplace.Api.Search;
using Marketplace.Api.Seed;
using Marketplace.Core.Booking;
using Marketplace.Core.Catalog.Offerings;
using Marketplace.Core.Catalog.Providers;
using Marketplace.Core.Catalog.Sessions;
using Marketplace.Core.Schools;
using Marketplace.Core.Search;

namespace Marketplace.Api.Hosting;

public static class ModuleRegistration
{
    /// <summary>Use-case handlers of every module; they are stateless, so singletons.</summary>
    public static void AddMarketplaceModules(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddHostedService<StartupInitializer>(); // first: hosted services start in order, the others need the schema
        s.AddSingleton<RegisterProviderHandler>().AddSingleton<DecideProviderHandler>().AddSingleton<ProviderQueries>();
        s.AddSingleton<OfferingCommands>().AddSingleton<OfferingQueries>();
        s.AddSingleton(sp => sp.GetRequiredService<Configuration.MarketplaceSettings>().Calendar);
        s.AddSingleton<ScheduleSessionsHandler>().AddSingleton<SessionCommands>();
        s.AddSingleton<SchoolCommands>();
        s.AddSingleton<OfferingProjection>();
        s.AddSingleton<IndexOutboxConsumer>().AddSingleton<IOutboxConsumer>(sp => sp.GetRequiredService<IndexOutboxConsumer>());
        s.AddSingleton(sp => new BookingOptions { ResponseWindow = sp.GetRequiredService<Configuration.MarketplaceSettings>().BookingResponseWindow });
        s.AddSingleton<CreateBookingHandler>().AddSingleton<BookingCommands>();
        s.AddHostedService<Booking.BookingExpiryService>();
        s.AddSingleton<IOutboxConsumer, Realtime.LivePusher>();
        s.AddSingleton<DemoSeeder>();
        s.AddSingleton<OutboxSignal>();
        s.AddHostedService<OutboxDispatcher>();
    }
}
