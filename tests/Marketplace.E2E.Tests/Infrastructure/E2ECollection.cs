namespace Marketplace.E2E.Tests.Infrastructure;

/// <summary>One Chromium for all browser tests; they run one at a time (2 cores: a host and a browser each).</summary>
[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}
