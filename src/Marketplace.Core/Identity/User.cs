using System.Text.Json.Serialization;
using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

/// <summary>A person who signs in; bound to exactly one organisation (provider, school or bureau).</summary>
public sealed class User : IAggregate
{
    [JsonConstructor]
    private User() { }

    public User(Guid id, string username, string passwordHash, Role role, Guid organizationId, string displayName)
    {
        Id = id; Username = username; PasswordHash = passwordHash; Role = role; OrganizationId = organizationId; DisplayName = displayName;
    }

    [JsonInclude] public Guid Id { get; private set; }
    [JsonInclude] public long Version { get; private set; }
    [JsonInclude] public string Username { get; private set; } = "";
    [JsonInclude] public string PasswordHash { get; private set; } = "";
    [JsonInclude] public Role Role { get; private set; }
    [JsonInclude] public Guid OrganizationId { get; private set; }
    [JsonInclude] public string DisplayName { get; private set; } = "";

    public static string NormalizeUsername(string username) => username.Trim().ToLowerInvariant();
}

/// <summary>Port: a standard password hasher (the host supplies ASP.NET Core Identity's).</summary>
public interface IPasswordHashing
{
    string Hash(string password);
    bool Verify(string hash, string password);
}
