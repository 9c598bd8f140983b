namespace Marketplace.Api.Tests.Infrastructure;

/// <summary>
/// Tests that hold the product to a latency promise (searchable within 2 s, pushed within 1 s). They run on their own,
/// after the parallel tests, so that they measure the host rather than a dozen other test hosts competing for the
/// same two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Latency promises";
}
