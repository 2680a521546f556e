using System.Globalization;
using System.Text;

namespace PolicyKit.Nfqueue.Hooks;

/// <summary>
/// The netfilter objects of one instance, as text and argument lists (pure: no I/O, unit-tested).
/// <list type="bullet">
/// <item><b>nft table</b> <c>inet policykit_&lt;id&gt;</c>: sets <c>allow4</c>/<c>deny4</c>/<c>allow6</c>/<c>deny6</c>
/// (<c>ifname . addr . addr</c> = input interface, source, group; timeouts) and <c>outdeny4</c>/<c>outdeny6</c>
/// (output interface, source, group); chain <c>flows</c> at prerouting priority -160 drops deny-set
/// flows and marks allow-set flows; chain <c>outputs</c> at postrouting priority -160 drops a flow towards an
/// output interface whose cost/count limit refused it. Postrouting, not forward: it is the one hook
/// every copy leaving the box passes, whoever made the copy — the kernel's multicast routing
/// (forward, then postrouting), a duplicating rule such as nft <c>dup</c> or xtables <c>TEE</c>
/// (output, then postrouting), or a local sender.</item>
/// <item><b>queue rules</b>: with the nft queue statement, in the <c>flows</c> chain; otherwise an
/// iptables-nft (and ip6tables-nft) chain <c>PK_&lt;id&gt;</c> in mangle PREROUTING (priority -150, after
/// <c>flows</c>): nothing marked, then every IGMP / MLD message, then multicast not link-local.</item>
/// <item><b>mark</b>: set on admitted flows (chain <c>flows</c>) and on all multicast leaving the box
/// (chain <c>local</c>, postrouting): the box's own and forwarded multicast is looped back through
/// prerouting on the outgoing interface when the box is itself a member, and must not be decided
/// as if a host behind that interface had sent it.</item>
/// </list>
/// </summary>
public sealed class HookPlan
{
    public static readonly int[] MldTypes = [130, 131, 132, 143];

    public HookPlan(HookOptions options, bool nftQueue)
    {
        options.Validate();
        Options = options;
        UsesNftQueue = nftQueue;
    }

    public HookOptions Options { get; }

    public bool UsesNftQueue { get; }

    private string Mark => "0x" + Options.Mark.ToString("x8", CultureInfo.InvariantCulture);

    private string QueueArgs => Options.QueueNumber.ToString(CultureInfo.InvariantCulture);

    /// <summary>The nft script that creates the table (fed to <c>nft -f -</c>).</summary>
    public string NftScript()
    {
        var o = Options;
        var s = new StringBuilder();
        string p = o.Priority.ToString(CultureInfo.InvariantCulture);
        s.Append("table inet ").Append(o.TableName).Append(" {\n");
        foreach (var (name, family) in new[] { ("allow4", "ipv4_addr"), ("deny4", "ipv4_addr"), ("outdeny4", "ipv4_addr"),
                     ("allow6", "ipv6_addr"), ("deny6", "ipv6_addr"), ("outdeny6", "ipv6_addr") })
        {
            s.Append("\tset ").Append(name).Append(" { type ifname . ").Append(family).Append(" . ").Append(family).Append("; flags timeout; }\n");
        }
        s.Append("\tchain flows {\n\t\ttype filter hook prerouting priority ").Append(p).Append("; policy accept;\n");
        s.Append("\t\tiifname . ip saddr . ip daddr @deny4 counter drop\n");
        s.Append("\t\tiifname . ip saddr . ip daddr @allow4 counter meta mark set meta mark | ").Append(Mark).Append('\n');
        s.Append("\t\tiifname . ip6 saddr . ip6 daddr @deny6 counter drop\n");
        s.Append("\t\tiifname . ip6 saddr . ip6 daddr @allow6 counter meta mark set meta mark | ").Append(Mark).Append('\n');
        if (UsesNftQueue)
        {
            string iif = o.Interfaces.Count == 0 ? string.Empty : "iifname { " + string.Join(", ", o.Interfaces.Select(i => $"\"{i}\"")) + " } ";
            string queue = "queue num " + QueueArgs + (o.FailMode == FailMode.Open ? " bypass" : string.Empty);
            // Marked (admitted, or looped back from postrouting): not queued.
            s.Append("\t\tmeta mark & ").Append(Mark).Append(" != 0 return\n");
            if (o.QueueMembership)
            {
                s.Append("\t\t").Append(iif).Append("ip protocol igmp ").Append(queue).Append('\n');
                if (o.Ipv6) s.Append("\t\t").Append(iif).Append("icmpv6 type { ").Append(string.Join(", ", MldTypes)).Append(" } ").Append(queue).Append('\n');
            }
            if (o.QueueFlows)
            {
                s.Append("\t\t").Append(iif).Append("ip daddr 224.0.0.0/4 ip daddr != 224.0.0.0/24 ").Append(queue).Append('\n');
                if (o.Ipv6) s.Append("\t\t").Append(iif).Append("ip6 daddr ff00::/8 ip6 daddr != { ff01::/16, ff02::/16 } ").Append(queue).Append('\n');
            }
        }
        s.Append("\t}\n");
        s.Append("\tchain outputs {\n\t\ttype filter hook postrouting priority ").Append(p).Append("; policy accept;\n");
        s.Append("\t\toifname . ip saddr . ip daddr @outdeny4 counter drop\n");
        s.Append("\t\toifname . ip6 saddr . ip6 daddr @outdeny6 counter drop\n");
        s.Append("\t}\n");
        // Multicast leaving the box (its own, or forwarded) is looped back through prerouting when the
        // box itself is a member; the mark, which survives the loopback, keeps those copies out of the queue.
        s.Append("\tchain local {\n\t\ttype filter hook postrouting priority ").Append(p).Append("; policy accept;\n");
        s.Append("\t\tip daddr 224.0.0.0/4 meta mark set meta mark | ").Append(Mark).Append('\n');
        s.Append("\t\tip6 daddr ff00::/8 meta mark set meta mark | ").Append(Mark).Append('\n');
        s.Append("\t}\n}\n");
        return s.ToString();
    }

    /// <summary>The iptables-nft / ip6tables-nft commands that create the queue chain and jump to it (none with the nft queue statement).</summary>
    public IReadOnlyList<(string Tool, string[] Arguments)> IptablesCommands()
    {
        var list = new List<(string, string[])>();
        if (UsesNftQueue) return list;
        AddFamily(list, "iptables-nft", v6: false);
        if (Options.Ipv6) AddFamily(list, "ip6tables-nft", v6: true);
        return list;
    }

    private void AddFamily(List<(string, string[])> list, string tool, bool v6)
    {
        var o = Options;
        string chain = o.ChainName;
        string[] queue = o.FailMode == FailMode.Open
            ? ["-j", "NFQUEUE", "--queue-num", QueueArgs, "--queue-bypass"]
            : ["-j", "NFQUEUE", "--queue-num", QueueArgs];
        string[] Rule(params string[] match) => ["-w", "-t", "mangle", "-A", chain, .. match];

        list.Add((tool, ["-w", "-t", "mangle", "-N", chain]));
        // Marked: an admitted flow, or a copy of the box's own or forwarded multicast looped back
        // through prerouting (marked by the table's postrouting chain): nothing to decide.
        list.Add((tool, Rule("-m", "mark", "--mark", Mark + "/" + Mark, "-j", "RETURN")));
        if (o.QueueMembership)
        {
            if (v6)
            {
                foreach (int t in MldTypes) list.Add((tool, Rule(["-p", "ipv6-icmp", "--icmpv6-type", t.ToString(CultureInfo.InvariantCulture), .. queue])));
            }
            else
            {
                list.Add((tool, Rule(["-p", "igmp", .. queue])));
            }
        }
        if (o.QueueFlows)
        {
            // Link-local groups are control traffic (never routed): not flows.
            if (v6)
            {
                list.Add((tool, Rule("-d", "ff01::/16", "-j", "RETURN")));
                list.Add((tool, Rule("-d", "ff02::/16", "-j", "RETURN")));
                list.Add((tool, Rule(["-d", "ff00::/8", .. queue])));
            }
            else
            {
                list.Add((tool, Rule("-d", "224.0.0.0/24", "-j", "RETURN")));
                list.Add((tool, Rule(["-d", "224.0.0.0/4", .. queue])));
            }
        }
        if (o.Interfaces.Count == 0)
        {
            list.Add((tool, ["-w", "-t", "mangle", "-I", "PREROUTING", "1", "-j", chain]));
        }
        else
        {
            foreach (var i in o.Interfaces) list.Add((tool, ["-w", "-t", "mangle", "-I", "PREROUTING", "1", "-i", i, "-j", chain]));
        }
    }

    /// <summary>An nft script that only checks (with <c>nft -c</c>) whether the kernel has the queue statement.</summary>
    public static string NftQueueProbe(string instanceId) =>
        $"table inet policykit_probe_{instanceId} {{\n\tchain c {{\n\t\ttype filter hook prerouting priority 0; policy accept;\n\t\tip protocol igmp queue num 0 bypass\n\t}}\n}}\n";
}
