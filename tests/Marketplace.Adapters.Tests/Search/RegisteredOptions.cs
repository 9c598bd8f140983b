using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Marketplace.Adapters.Tests.Search;

/// <summary>Builds options from what an AddX method registered (configure + validate), without a full container.</summary>
public static class RegisteredOptions
{
    public static T Create<T>(IServiceCollection services) where T : class
    {
        var configures = services.Where(d => d.ServiceType == typeof(IConfigureOptions<T>)).Select(d => (IConfigureOptions<T>)d.ImplementationInstance!);
        var validators = services.Where(d => d.ServiceType == typeof(IValidateOptions<T>)).Select(d => (IValidateOptions<T>)d.ImplementationInstance!);
        return new OptionsFactory<T>(configures, [], validators).Create(Options.DefaultName);
    }
}
