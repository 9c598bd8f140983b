namespace Marketplace.Api.Tests.Infrastructure;

/// <summary>A host with the seeded demo, shared by the tests of one class.</summary>
public sealed class DemoFactory : MarketplaceFactory;
