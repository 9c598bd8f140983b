using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Marketplace.Core.Shared;
using Microsoft.Extensions.Localization;

namespace Marketplace.Api.Localization;

/// <summary>
/// Renders <see cref="UserMessage"/>s in the current UI culture (set per request by request localization) from
/// <see cref="Messages"/>. Arguments: an enum by its <c>enum.{Type}.{Name}</c> resource when there is one, an instant as
/// Beijing time, a list joined the language's way, a nested message rendered first. A key without a resource, or a
/// message given more arguments than its text uses, is written as the key (never a 500) and remembered in
/// <see cref="Defects"/>, which the API tests check after every response.
/// </summary>
public sealed partial class MessageRenderer(IStringLocalizer<Messages> localizer, ILogger<MessageRenderer> log)
{
    /// <summary>Keys that had no resource or took the wrong arguments in this process; for tests.</summary>
    public static ConcurrentDictionary<string, string> Defects { get; } = new();

    public string Render(UserMessage message)
    {
        var text = localizer[message.Key];
        if (text.ResourceNotFound)
        {
            Defect(message.Key, "no resource");
            return message.ToString();
        }
        if (message.Args.Length == 0) return text.Value;
        var used = Placeholder().Matches(text.Value).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(-1).Max() + 1;
        if (used != message.Args.Length) Defect(message.Key, $"{message.Args.Length} arguments for {used} placeholders");
        return string.Format(CultureInfo.CurrentCulture, text.Value, message.Args.Select(Argument).ToArray());
    }

    private void Defect(string key, string why)
    {
        if (Defects.TryAdd(key, why)) LogDefect(log, key, why, CultureInfo.CurrentUICulture.Name);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {Key} rendered badly ({Why}) in {Culture}: add or fix it in Localization/Messages*.resx")]
    private static partial void LogDefect(ILogger logger, string key, string why, string culture);

    /// <summary>A title or name by key, or null when there is no such resource (the caller then uses a general one).</summary>
    public string? Find(string key) => localizer[key] is { ResourceNotFound: false } text ? text.Value : null;

    private object? Argument(object? arg) => arg switch
    {
        null => "",
        string s => s,
        UserMessage m => Render(m),
        Enum e => Find($"enum.{e.GetType().Name}.{e}") ?? e.ToString(),
        DateTimeOffset at => ChinaTime.ToLocal(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        IEnumerable items => string.Join(IsChinese ? "、" : ", ", items.Cast<object?>().Select(Argument)),
        _ => arg,
    };

    private static bool IsChinese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh";

    [GeneratedRegex(@"\{(\d+)")]
    private static partial Regex Placeholder();
}

public static class MessageRendering
{
    /// <summary>The message in this request's language.</summary>
    public static string Render(this HttpContext http, UserMessage message) =>
        http.RequestServices.GetRequiredService<MessageRenderer>().Render(message);
}
