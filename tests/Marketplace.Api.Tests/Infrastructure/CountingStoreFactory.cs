using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Marketplace.Core.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Api.Tests.Infrastructure;

/// <summary>
/// The demo host whose store records the calls made while serving a request sent with <see cref="Header"/> (its value
/// names the record), so a test can tell how many store queries one answer took. Background work is not counted.
/// </summary>
public sealed class CountingStoreFactory : MarketplaceFactory
{
    public const string Header = "X-Count-Store-Calls";

    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _calls = new();

    /// <summary>The store methods called, in order, for the requests sent with the header value <paramref name="name"/>.</summary>
    public IReadOnlyList<string> CallsOf(string name) => _calls.TryGetValue(name, out var calls) ? [.. calls] : [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            var registered = services.Last(d => d.ServiceType == typeof(IMarketplaceStore));
            services.Remove(registered);
            services.AddHttpContextAccessor();
            services.AddSingleton(sp => CountingStore.Wrap(
                (IMarketplaceStore)(registered.ImplementationInstance ?? registered.ImplementationFactory?.Invoke(sp)
                    ?? ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!)),
                sp.GetRequiredService<IHttpContextAccessor>(), _calls));
        });
    }

    public class CountingStore : DispatchProxy
    {
        private IMarketplaceStore _inner = null!;
        private IHttpContextAccessor _http = null!;
        private ConcurrentDictionary<string, ConcurrentQueue<string>> _calls = null!;

        public static IMarketplaceStore Wrap(IMarketplaceStore inner, IHttpContextAccessor http, ConcurrentDictionary<string, ConcurrentQueue<string>> calls)
        {
            var proxy = Create<IMarketplaceStore, CountingStore>();
            var counting = (CountingStore)(object)proxy;
            (counting._inner, counting._http, counting._calls) = (inner, http, calls);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (_http.HttpContext?.Request.Headers[Header].ToString() is { Length: > 0 } name)
                _calls.GetOrAdd(name, _ => new ConcurrentQueue<string>()).Enqueue(targetMethod!.Name);
            try
            {
                return targetMethod!.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
