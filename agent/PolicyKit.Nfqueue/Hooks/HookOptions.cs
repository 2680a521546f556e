using System.Text.RegularExpressions;

namespace PolicyKit.Nfqueue.Hooks;

/// <summary>What happens to packets that should be queued while no agent is bound to the queue.</summary>
public enum FailMode
{
    /// <summary><c>--queue-bypass</c> (nft: <c>queue … bypass</c>): packets pass unchecked while the agent is down.</summary>
    Open,

    /// <summary>No bypass: IGMP/MLD and new multicast flows are dropped while the agent is down.</summary>
    Closed,
}

/// <summary>
/// The agent's own netfilter objects: an nft table <c>inet policykit_&lt;id&gt;</c> (flow sets and the
/// chains that use them) and, where the kernel lacks the nft <c>queue</c> statement, an iptables-nft
/// chain <c>PK_&lt;id&gt;</c> in mangle PREROUTING holding the NFQUEUE rules. Unique per instance, so
/// removal is exact and nothing of the operator's is touched.
/// </summary>
public sealed partial record HookOptions
{
    /// <summary>Names this instance's objects: 1–16 of [a-z0-9_].</summary>
    public string InstanceId { get; init; } = "agent";

    public ushort QueueNumber { get; init; }

    public FailMode FailMode { get; init; } = FailMode.Open;

    /// <summary>The packet mark bit the flow chain sets on admitted flows; the queue rule skips marked packets.</summary>
    public uint Mark { get; init; } = 0x0010_0000;

    /// <summary>Input interfaces to enforce on (Linux names); empty: every interface.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>Also hook IPv6 (MLD and IPv6 multicast flows) through ip6tables-nft.</summary>
    public bool Ipv6 { get; init; } = true;

    /// <summary>Queue IGMP/MLD messages.</summary>
    public bool QueueMembership { get; init; } = true;

    /// <summary>Queue the first packets of multicast flows not yet in a flow set.</summary>
    public bool QueueFlows { get; init; } = true;

    /// <summary>Priority of the nft chains: before mangle (-150), so set verdicts and marks come first.</summary>
    public int Priority { get; init; } = -160;

    /// <summary>Use the nft queue statement when the kernel has it (else, and when false, the iptables-nft NFQUEUE target).</summary>
    public bool PreferNftQueue { get; init; } = true;

    public string TableName => "policykit_" + InstanceId;

    public string ChainName => "PK_" + InstanceId;

    public void Validate()
    {
        if (!IdPattern().IsMatch(InstanceId))
            throw new ArgumentException($"instance id '{InstanceId}' must be 1-16 characters of a-z, 0-9 and _", nameof(InstanceId));
        if (Mark == 0 || (Mark & (Mark - 1)) != 0)
            throw new ArgumentException($"mark 0x{Mark:x} must be a single bit", nameof(Mark));
        foreach (var name in Interfaces)
        {
            if (!InterfacePattern().IsMatch(name))
                throw new ArgumentException($"interface name '{name}' is not a Linux interface name (1-15 characters, no space, '/' or quote)", nameof(Interfaces));
        }
        if (Priority is > -151 or < -400)
            throw new ArgumentException($"priority {Priority} must be below mangle (-150) and above -400", nameof(Priority));
    }

    [GeneratedRegex("^[a-z0-9_]{1,16}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9_.:@+-]{1,15}$")]
    private static partial Regex InterfacePattern();
}
