using System.Text.Json;

namespace Marketplace.Core.Shared;

/// <summary>
/// A request field one of our JSON converters refuses, with a message fit for the client (rendered by the host in the
/// caller's language). Any other <see cref="JsonException"/> (the framework's, naming internal types) gets a generic one.
/// </summary>
public sealed class InvalidFieldException(string key, params object?[] args) : JsonException(new UserMessage(key, args).ToString())
{
    public UserMessage Detail { get; } = new(key, args);
}
