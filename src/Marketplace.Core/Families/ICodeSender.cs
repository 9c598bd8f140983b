namespace Marketplace.Core.Families;

/// <summary>
/// Port: sends a one-time code to a mobile phone (an SMS). Development logs it (the host's <c>LogCodeSender</c>); a production SMS
/// gateway adapter is not part of this repository (docs/operations.md, "Guardian sign-in"). Implementations must not keep the code.
/// </summary>
public interface ICodeSender
{
    /// <summary>Whether codes can be sent at all; false for a host without a sender, whose activation is then refused (409).</summary>
    bool Available { get; }

    /// <summary>Sends <paramref name="code"/> to <paramref name="phone"/> for <paramref name="purpose"/>; throws when the gateway refuses.</summary>
    Task SendAsync(string phone, string code, CodePurpose purpose, CancellationToken ct = default);
}

public enum CodePurpose { GuardianActivation }
