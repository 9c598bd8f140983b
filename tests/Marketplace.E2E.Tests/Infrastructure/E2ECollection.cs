namespace Marketplace.E2E.Tests.Infrastructure;

/// <summary>One Chromium for the browser tests; they run one at a time (2 cores: a host and a browser each).</summary>
[CollectionDefinition(Name)]
public sealed class E2ECollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}

/// <summary>
/// A second Chromium for a scenario that spends most of its time waiting for a session to start (FamiliesFlowTests: about
/// 100 of its 120 s idle until the roll call opens): it runs beside <see cref="E2ECollection"/>, so that wait overlaps the other
/// browser tests instead of adding to the suite's time. Only tests with a wide margin on their own lead belong here: the two
/// collections share the 2 cores while both are busy.
/// </summary>
[CollectionDefinition(Name)]
public sealed class E2EWaitingCollection : ICollectionFixture<Browser>
{
    public const string Name = "browser-waiting";
}
