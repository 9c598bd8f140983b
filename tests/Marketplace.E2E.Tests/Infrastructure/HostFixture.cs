namespace Marketplace.E2E.Tests.Infrastructure;

/// <summary>One host for a whole test class (a host takes seconds to start): <c>IClassFixture&lt;HostFixture&gt;</c>.</summary>
public sealed class HostFixture : IDisposable
{
    public WebHost Host { get; } = new();

    public void Dispose() => Host.Dispose();
}
