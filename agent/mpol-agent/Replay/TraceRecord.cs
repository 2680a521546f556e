using PolicyKit.Engine.Scripting;

namespace PolicyKit.Agent.Replay;

/// <summary>
/// One recorded event of a trace: when it happened (ticks after the trace's first record), what
/// happened (an engine event in the event-script form), and where it came from (file:line or
/// file#packet) for messages. A note is narration a trace may carry for people (the demo prints it).
/// </summary>
public sealed record TraceRecord(long Offset, ScriptEvent? Event, string Origin, string? Note = null);
