namespace Marketplace.Core.Catalog;

/// <summary>A county-level district served by the platform, identified by its GB/T 2260 code.</summary>
public sealed record District(string Code, string Name, string City, string Province);
