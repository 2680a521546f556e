using PolicyKit.Agent.Runtime;
using PolicyKit.Engine.Scripting;
using PolicyKit.Nfqueue.Enforcement;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Agent.Live;

/// <summary>
/// Feeds the NFQUEUE enforcer's decisions into the runtime's accounting, so live enforcement
/// produces the same telemetry as a replay (limit use, denials by reason, crossings, bursts).
/// Called on the enforcer's thread after it released the engine lock.
/// </summary>
internal sealed class EnforcementObserver(AgentRuntime runtime, AgentLog log) : IEnforcementObserver
{
    public void OnMembership(in MembershipOutcome o)
    {
        var kind = o.Change == ChangeKind.Join ? ScriptEventKind.Join : ScriptEventKind.Leave;
        string source = o.Source.IsNone ? string.Empty : $" source {o.Source}";
        string text = kind == ScriptEventKind.Join
            ? $"join {o.PolicyInterface} {o.Group}{source} from {o.Host} version {o.Version} (live, {o.Interface})"
            : $"leave {o.PolicyInterface} {o.Group}{source} (live, {o.Interface})";
        runtime.Record(kind, o.PolicyInterface, o.Group, text, o.Decision);
    }

    public void OnFlow(in FlowOutcome o) =>
        runtime.Record(ScriptEventKind.State, o.PolicyInterface, o.Group, $"state {o.Source} {o.Group} rpf {o.PolicyInterface} (live, {o.Interface})", o.Decision);

    public void OnOutput(in OutputOutcome o) =>
        runtime.Record(ScriptEventKind.State, o.PolicyInterface, o.Group, $"output {o.Source} {o.Group} out {o.PolicyInterface} (live, {o.Interface})", o.Decision);

    public void OnProblem(in EnforcementProblem p) =>
        log.Warn($"nfqueue: {p.Interface}: {p.What}{(p.Dropped ? " (dropped)" : string.Empty)}");
}
