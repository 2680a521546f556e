namespace PolicyKit.Agent.Config;

/// <summary>
/// [nfqueue]: live enforcement on this Linux box (docs/enforcement.md). Off by default: it
/// installs netfilter hooks and needs root or CAP_NET_ADMIN.
/// </summary>
public sealed record NfqueueSection(
    bool Enabled, string InstanceId, int Queue, string FailMode, IReadOnlyList<string> Interfaces,
    IReadOnlyDictionary<string, string> InterfaceMap, bool Ipv6, bool Memberships, bool Flows,
    TimeSpan AllowTimeout, TimeSpan DenyTimeout, bool DropMalformed, int QueueMaxLength)
{
    public static NfqueueSection Bind(ConfigValues v)
    {
        bool enabled = v.Bool("nfqueue.enabled", false, "enforce live: queue IGMP/MLD reports and new multicast flows to the agent");
        string id = v.String("nfqueue.instance_id", "agent", "names this agent's hooks (iptables chain PK_ID, nft table policykit_ID)");
        int queue = v.Int("nfqueue.queue", 0, 0, 65535, "the NFQUEUE number");
        string failMode = v.Choice("nfqueue.fail_mode", "open", ["open", "closed"], "when the agent is down: open = traffic passes unchecked (--queue-bypass), closed = it is dropped");
        string interfaces = v.String("nfqueue.interfaces", "", "comma-separated Linux interfaces to enforce on; empty = all");
        string map = v.String("nfqueue.interface_map", "", "LINUX=POLICY pairs, comma-separated, where the policy names an interface differently (eth1=GigabitEthernet0/0/1)");
        var section = new NfqueueSection(enabled, id, queue, failMode,
            interfaces.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ParseMap(v, map),
            v.Bool("nfqueue.ipv6", true, "also enforce MLD and IPv6 flows"),
            v.Bool("nfqueue.memberships", true, "decide IGMP/MLD reports (rewrite mixed IGMPv3/MLDv2 reports)"),
            v.Bool("nfqueue.flows", true, "admit new (S,G) flows into an nftables set (route and cost limits)"),
            v.Duration("nfqueue.allow_timeout", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), "an admitted flow stays in the kernel's fast path this long after its last packet"),
            v.Duration("nfqueue.deny_timeout", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), "a denied flow is dropped in the kernel this long before it is asked again"),
            v.Bool("nfqueue.drop_malformed", true, "drop malformed IGMP/MLD packets"),
            v.Int("nfqueue.queue_max_length", 1024, 16, 1_000_000, "packets the kernel holds for the agent"));
        if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z0-9_]{1,16}$"))
            v.Error("nfqueue.instance_id", "1 to 16 letters, digits or '_' (it names an iptables chain and an nft table)");
        return section;
    }

    private static Dictionary<string, string> ParseMap(ConfigValues v, string text)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0 || eq == pair.Length - 1)
            {
                v.Error("nfqueue.interface_map", $"expected LINUX=POLICY pairs, got \"{pair}\"");
                continue;
            }
            map[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return map;
    }
}
