using System.Text;
using System.Text.RegularExpressions;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// Splits an integrated frr.conf into what each daemon reads, as vtysh does when it loads the
/// file: <c>router bgp</c>, <c>rpki</c> and <c>route-map</c> blocks and top-level <c>bgp …</c> lists go to bgpd; <c>interface</c> blocks and the <c>ip pim</c>,
/// <c>ip msdp</c>, <c>ip multicast</c>, <c>ip igmp</c> commands to pimd; everything else (prefix
/// lists, comments, <c>end</c>) to both. A line this does not recognise goes to both daemons, so
/// an unknown command still fails their check.
/// </summary>
internal static partial class FrrConfigSplitter
{
    public static (string Bgpd, string Pimd) Split(string config)
    {
        var bgpd = new StringBuilder();
        var pimd = new StringBuilder();
        string? block = null;
        foreach (var line in config.Split('\n'))
        {
            bool top = line.Length > 0 && line[0] != ' ';
            string owner;
            if (block is not null) owner = block;
            else if (!top || line.StartsWith('!')) owner = "both";
            else if (line.StartsWith("router bgp ", StringComparison.Ordinal) || line == "rpki" || line.StartsWith("route-map ", StringComparison.Ordinal)) owner = block = "bgpd";
            else if (line.StartsWith("interface ", StringComparison.Ordinal)) owner = block = "pimd";
            else if (line.StartsWith("bgp ", StringComparison.Ordinal)) owner = "bgpd"; // bgp as-path access-list
            else if (PimCommand().IsMatch(line)) owner = "pimd";
            else owner = "both";
            if (owner is "both" or "bgpd") bgpd.Append(line).Append('\n');
            if (owner is "both" or "pimd") pimd.Append(line).Append('\n');
            if (block is not null && top && line == "exit") block = null;
        }
        return (bgpd.ToString(), pimd.ToString());
    }

    [GeneratedRegex(@"^(ip|ipv6) (pim|msdp|multicast|igmp|mld)\b")]
    private static partial Regex PimCommand();
}
