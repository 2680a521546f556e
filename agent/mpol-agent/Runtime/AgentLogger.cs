using Microsoft.Extensions.Logging;

namespace PolicyKit.Agent.Runtime;

/// <summary>Lets libraries that log through ILogger (the MQTT transport) write to the agent's log.</summary>
internal sealed class AgentLogger(AgentLog log, string category) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && Map(logLevel) >= log.Minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        // The exception's message only: stack traces are for bugs, and the transport words its
        // errors itself (without secrets).
        string message = formatter(state, exception);
        log.Write(Map(logLevel), $"{category}: {message}");
    }

    private static AgentLogLevel Map(LogLevel level) => level switch
    {
        LogLevel.Trace => AgentLogLevel.Trace,
        LogLevel.Debug => AgentLogLevel.Debug,
        LogLevel.Information => AgentLogLevel.Info,
        LogLevel.Warning => AgentLogLevel.Warn,
        _ => AgentLogLevel.Error,
    };
}
