using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Marketplace.Api.Tests.Infrastructure;

/// <summary>
/// Keeps the host's warnings and errors (the last 200), with their time, so that a failing timing test can say what
/// the host was doing — a failed outbox consumer, a retried index write — instead of only "not in time".
/// </summary>
public sealed class CapturedWarnings : ILoggerProvider
{
    private const int Kept = 200;
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public override string ToString()
    {
        var lines = _lines.ToArray();
        return lines.Length == 0 ? "(the host logged no warnings)" : "host warnings:\n" + string.Join('\n', lines);
    }

    public void Dispose() { }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Kept) _lines.TryDequeue(out _);
    }

    private sealed class Logger(CapturedWarnings owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var error = exception is null ? "" : $" — {exception.GetType().Name}: {exception.Message}";
            owner.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }
}
