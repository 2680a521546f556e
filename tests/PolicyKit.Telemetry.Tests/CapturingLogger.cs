using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PolicyKit.Telemetry.Tests;

/// <summary>An ILogger that keeps every formatted line (level + message + exception text).</summary>
internal sealed class CapturingLogger : ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Lines => [.. _lines];

    public IReadOnlyList<string> Warnings => Lines.Where(l => l.Level >= LogLevel.Warning).Select(l => l.Text).ToList();

    public string All => string.Join("\n", Lines.Select(l => l.Text));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue((logLevel, formatter(state, exception) + (exception is null ? "" : "\n" + exception)));
}
