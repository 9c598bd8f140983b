using Marketplace.Api.Configuration;
using Marketplace.Core.Bookings;

namespace Marketplace.Api.Bookings;

/// <summary>Booking requests, their lifecycle, and the sweep that expires unanswered ones; the waiting list and its holds.</summary>
public static class BookingsModule
{
    public static IServiceCollection AddBookings(this IServiceCollection services, MarketplaceSettings settings)
    {
        services.AddSingleton(new BookingOptions
        {
            ResponseWindow = settings.BookingResponseWindow,
            MinLeadOnCampus = TimeSpan.FromHours(settings.BookingRules.MinLeadHoursOnCampus),
            MinLeadOffCampus = TimeSpan.FromHours(settings.BookingRules.MinLeadHoursOffCampus),
        });
        services.AddSingleton<BookingCommands>().AddSingleton<BookingQueries>().AddSingleton<DeliveryCommands>();
        services.AddSingleton<BookingSeriesCommands>().AddSingleton<BookingSeriesQueries>();
        services.AddHostedService<BookingExpiryService>();
        services.AddSingleton(new UnderfilledOptions { Notice = TimeSpan.FromHours(settings.CalendarSettings.UnderfilledNoticeHours) }).AddSingleton<UnderfilledSessionCommands>().AddHostedService<UnderfilledSessionService>();
        services.AddSingleton(new WaitlistOptions { HoldDuration = settings.Waitlist.HoldDuration, MaxEntriesPerSession = settings.Waitlist.MaxEntriesPerSession });
        services.AddSingleton<WaitlistPromotion>().AddSingleton<WaitlistCommands>().AddSingleton<WaitlistQueries>();
        services.AddHostedService<WaitlistHoldService>();
        return services;
    }

    public static IEndpointRouteBuilder MapBookings(this IEndpointRouteBuilder app)
    {
        BookingEndpoints.Map(app);
        BookingSeriesEndpoints.Map(app);
        WaitlistEndpoints.Map(app);
        return app;
    }
}
