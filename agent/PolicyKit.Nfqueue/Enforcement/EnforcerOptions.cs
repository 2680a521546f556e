using System.Diagnostics;
using PolicyKit.Nfqueue.Hooks;

namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>
/// Settings of an <see cref="NfqueueEnforcer"/> (the agent's <c>[nfqueue]</c> section). Defaults suit
/// an edge box: queue 0, fail-open, every interface, IPv4 and IPv6.
/// </summary>
public sealed record EnforcerOptions
{
    /// <summary>Names the instance's nft table (<c>policykit_&lt;id&gt;</c>) and iptables chain (<c>PK_&lt;id&gt;</c>): 1–16 of [a-z0-9_].</summary>
    public string InstanceId { get; init; } = "agent";

    public ushort QueueNumber { get; init; }

    /// <summary>Fail-open (queue bypass: traffic passes unchecked while the agent is down) or fail-closed (it is dropped).</summary>
    public FailMode FailMode { get; init; } = FailMode.Open;

    /// <summary>Linux interfaces to enforce on; empty: all.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>
    /// Linux interface name → the policy's interface name, where they differ (a policy written with
    /// platform names such as "GigabitEthernet0/0/1" enforced on a Linux box). Unmapped names are used as they are.
    /// </summary>
    public IReadOnlyDictionary<string, string> InterfaceMap { get; init; } = new Dictionary<string, string>();

    public bool Ipv6 { get; init; } = true;

    /// <summary>Queue and decide IGMP/MLD reports.</summary>
    public bool EnforceMemberships { get; init; } = true;

    /// <summary>Queue the first packets of multicast flows and admit them into the allow/deny sets.</summary>
    public bool AdmitFlows { get; init; } = true;

    /// <summary>
    /// Life of an allow-set element: a flow still running after it is queued once more (and its state
    /// refreshed in the engine), so keep it below the engine's state timeout (210 s by default).
    /// </summary>
    public TimeSpan AllowTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Life of a deny-set element: how long a refused flow is dropped in the kernel before it is decided again.</summary>
    public TimeSpan DenyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Drop IGMP/MLD packets that do not decode (bad checksum, truncated); false accepts them unchanged.</summary>
    public bool DropMalformed { get; init; } = true;

    public int QueueMaxLength { get; init; } = 1024;

    /// <summary>NFQUEUE fail-open when the queue is full (accept rather than drop the overflow).</summary>
    public bool FailOpenWhenQueueFull { get; init; }

    public uint Mark { get; init; } = 0x0010_0000;

    public bool PreferNftQueue { get; init; } = true;

    /// <summary>How often expired memberships, states and outputs are swept (engine <c>Advance</c>).</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Engine time (TimeSpan ticks, monotonic); the agent passes its own clock so all sources agree.</summary>
    public Func<long> Clock { get; init; } = static () => Stopwatch.GetElapsedTime(0).Ticks;

    public HookOptions ToHookOptions() => new()
    {
        InstanceId = InstanceId,
        QueueNumber = QueueNumber,
        FailMode = FailMode,
        Mark = Mark,
        Interfaces = Interfaces,
        Ipv6 = Ipv6,
        QueueMembership = EnforceMemberships,
        QueueFlows = AdmitFlows,
        PreferNftQueue = PreferNftQueue,
    };

    public void Validate()
    {
        ToHookOptions().Validate();
        if (!EnforceMemberships && !AdmitFlows) throw new ArgumentException("nothing to enforce: both memberships and flows are off");
        if (AllowTimeout < TimeSpan.FromSeconds(1) || DenyTimeout < TimeSpan.FromSeconds(1))
            throw new ArgumentException("allow and deny timeouts must be at least 1 s");
        foreach (var (linux, policy) in InterfaceMap)
        {
            if (string.IsNullOrWhiteSpace(linux) || string.IsNullOrWhiteSpace(policy))
                throw new ArgumentException($"interface map entry '{linux}' = '{policy}': both names are needed");
        }
    }
}
