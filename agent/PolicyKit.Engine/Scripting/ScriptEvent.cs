using System.Collections.Immutable;

namespace PolicyKit.Engine.Scripting;

public enum ScriptEventKind
{
    Join,
    Leave,
    State,
    Prune,
    Sa,
    SaOut,
    SaOriginate,
    Register,
    Prefix,
    Withdraw,
    PeerDown,
    Wait,
}

/// <summary>
/// One event of an event script (see <see cref="EventScript"/>), with names still as text:
/// interfaces are resolved by the engine that runs it. Unused fields are <see cref="Address.None"/>,
/// null or empty.
/// </summary>
public sealed record ScriptEvent(
    ScriptEventKind Kind,
    string Text,
    string? Interface = null,
    Address Group = default,
    Address Source = default,
    Address Host = default,
    byte Version = 0,
    ImmutableArray<string> Outputs = default,
    bool Connected = false,
    Address Peer = default,
    Address Rp = default,
    byte Length = 0,
    TimeSpan Wait = default);

/// <summary>The decisions one script event produced (a <c>state</c> event with outputs produces one per output), each with a label.</summary>
public sealed record ScriptResult(ScriptEvent Event, IReadOnlyList<(string Label, Decision Decision)> Decisions, long Time);
