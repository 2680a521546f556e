using PolicyKit.Engine;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>
/// One membership change of a queued IGMP/MLD report and the engine's decision on it.
/// <see cref="Interface"/> is the Linux interface, <see cref="PolicyInterface"/> the name the table
/// knows it by (the same unless mapped). A denied join was removed from the report (or the report dropped).
/// </summary>
public readonly record struct MembershipOutcome(
    string Interface, string PolicyInterface, ChangeKind Change, Address Group, Address Source, Address Host, int Version, Decision Decision);

/// <summary>The first packet of a multicast flow (S,G) on an input interface and the engine's state decision.</summary>
public readonly record struct FlowOutcome(string Interface, string PolicyInterface, Address Source, Address Group, Decision Decision);

/// <summary>An output interface added to a flow (a receiver there joined) and the engine's output (cost/count) decision.</summary>
public readonly record struct OutputOutcome(string Interface, string PolicyInterface, Address Source, Address Group, Decision Decision);

/// <summary>What the enforcer did with a query from a host.</summary>
public readonly record struct QueryOutcome(string Interface, string PolicyInterface, Address Host, Address Group, int Version, bool Dropped);

/// <summary>A packet or operation the enforcer could not handle as intended, and what it did instead.</summary>
public readonly record struct EnforcementProblem(string Interface, string What, bool Dropped);

/// <summary>
/// Receives every decision the enforcer makes (for telemetry, logs, tests). Called on the enforcer's
/// thread, after the engine lock is released; implementations must be quick and must not throw
/// (an exception is counted and ignored). Every method has an empty default.
/// </summary>
public interface IEnforcementObserver
{
    void OnMembership(in MembershipOutcome outcome) { }

    void OnFlow(in FlowOutcome outcome) { }

    void OnOutput(in OutputOutcome outcome) { }

    void OnQuery(in QueryOutcome outcome) { }

    void OnProblem(in EnforcementProblem problem) { }
}
