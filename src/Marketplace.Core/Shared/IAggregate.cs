namespace Marketplace.Core.Shared;

/// <summary>A consistency boundary stored as one document; <see cref="Version"/> drives optimistic concurrency.</summary>
public interface IAggregate
{
    Guid Id { get; }
    long Version { get; }
}
