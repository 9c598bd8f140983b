using Marketplace.Core.Families;

namespace Marketplace.Api.Families;

/// <summary>
/// Development's code sender: writes the code to the host's log (Information), where the developer reads it. Refused outside
/// Development (<c>Marketplace:CodeSender</c>): a log is no place for a code that activates an account.
/// </summary>
internal sealed partial class LogCodeSender(ILogger<LogCodeSender> logger) : ICodeSender
{
    public bool Available => true;

    public Task SendAsync(string phone, string code, CodePurpose purpose, CancellationToken ct = default)
    {
        LogCode(logger, purpose, phone, code);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "One-time code ({Purpose}) for {Phone}: {Code} (Development: Marketplace:CodeSender=Log)")]
    private static partial void LogCode(ILogger logger, CodePurpose purpose, string phone, string code);
}

/// <summary>No sender configured (every environment but Development, until an SMS gateway adapter exists): nothing is sent, and
/// the activation that needs a code is refused with 409 <c>code-sender-unavailable</c> rather than pretending to send.</summary>
internal sealed class NoCodeSender : ICodeSender
{
    public bool Available => false;

    public Task SendAsync(string phone, string code, CodePurpose purpose, CancellationToken ct = default) =>
        throw new InvalidOperationException("No code sender is configured (Marketplace:CodeSender).");
}
