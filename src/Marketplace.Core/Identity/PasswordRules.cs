using Marketplace.Core.Shared;

namespace Marketplace.Core.Identity;

/// <summary>
/// The rules for every password that is set (registration, a new user, a reset, a change, the administrator's bootstrap):
/// 8–128 characters; at least three of lower-case letters, upper-case letters, digits and other characters; not containing
/// the username; not one of a short list of passwords every guessing list starts with.
/// </summary>
public static class PasswordRules
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    /// <summary>Compared without case; each also fails the class rule or is a well-known "strong-looking" pattern.</summary>
    private static readonly HashSet<string> Common = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "password1", "password123", "passw0rd", "p@ssw0rd", "p@ssword", "p@ssw0rd1", "p@55w0rd", "pa$$w0rd",
        "12345678", "123456789", "1234567890", "11111111", "88888888", "66666666", "12341234", "11223344", "87654321",
        "qwerty123", "qwer1234", "qwerty12", "1qaz2wsx", "1qaz@wsx", "1qaz!qaz", "zaq12wsx", "abc12345", "abcd1234", "abc@1234",
        "abc123456", "aa123456", "aa123456!", "a1234567", "a12345678", "admin123", "admin@123", "admin@1234", "administrator",
        "welcome1", "welcome@1", "welcome123", "iloveyou", "woaini1314", "woaini520", "changeme", "changeme1", "letmein1",
        "test1234", "test@123", "root1234", "root@123", "huawei@123", "huawei123",
    };

    /// <summary>Adds every rule the password breaks to <paramref name="v"/> under <paramref name="field"/>.</summary>
    public static Validator Check(Validator v, string field, string? password, string? username)
    {
        if (password is not { Length: >= MinLength and <= MaxLength })
            return v.Add(field, new UserMessage("validation.password-length", MinLength, MaxLength));
        var classes = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0) + (password.Any(char.IsDigit) ? 1 : 0)
            + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (classes < 3) v.Add(field, new UserMessage("account.password-classes"));
        if (username?.Trim() is { Length: >= 3 } name && password.Contains(name, StringComparison.OrdinalIgnoreCase))
            v.Add(field, new UserMessage("account.password-username"));
        if (Common.Contains(password)) v.Add(field, new UserMessage("account.password-common"));
        return v;
    }
}
