using System.Text.Json;

namespace Marketplace.Core.Shared;

/// <summary>
/// A request field one of our JSON converters refuses, with a bilingual message fit for the client. The host shows this
/// message; any other <see cref="JsonException"/> (the framework's, naming internal types) gets a generic one.
/// </summary>
public sealed class InvalidFieldException(string message) : JsonException(message);
