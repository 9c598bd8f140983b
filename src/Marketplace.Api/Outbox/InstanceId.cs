namespace Marketplace.Api.Outbox;

/// <summary>This running instance as a lease holder: host, process and a random part, so a restarted process (same host and
/// process id in a container) is a new holder and does not mistake its predecessor's lease for its own.</summary>
public sealed record InstanceId(string Value)
{
    public static InstanceId Create() =>
        new($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}");

    public override string ToString() => Value;
}
