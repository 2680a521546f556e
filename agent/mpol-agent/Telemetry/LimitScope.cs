using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Agent.Telemetry;

/// <summary>
/// Names a limit of a table for telemetry: a stable topic path (<c>interface/NAME/igmp</c>,
/// <c>router/igmp</c>, <c>route-limit</c>, <c>interface/NAME/state/2</c>, <c>msdp/PEER</c>,
/// <c>bgp/PEER</c>) and a kind. The path depends on names in the policy, not on table indexes, so
/// a dashboard keeps its series across table reloads.
/// </summary>
public readonly record struct LimitScope(string Path, string Kind)
{
    public static LimitScope Of(CompiledTable table, RuleRef limit)
    {
        string Iface(int index) => TopicScheme.Level((uint)index < (uint)table.Interfaces.Length ? table.Interfaces[index].Name : $"#{index}");
        string Family(int item) => item == 6 ? "mld" : "igmp";
        return limit.Kind switch
        {
            RuleKind.RouteLimit => new("route-limit", "route-limit"),
            RuleKind.RouterLimit => new($"router/{Family(limit.Item)}", "router-limit"),
            RuleKind.InterfaceLimit => new($"interface/{Iface(limit.Owner)}/{Family(limit.Item)}", "interface-limit"),
            RuleKind.StateLimit => new($"interface/{Iface(limit.Owner)}/state/{limit.Item + 1}", "state-limit"),
            RuleKind.SaLimit => new($"msdp/{TopicScheme.Level(table.MsdpPeers[limit.Owner].Address.ToString())}", "sa-limit"),
            RuleKind.MaxPrefix => new($"bgp/{TopicScheme.Level(table.BgpPeers[limit.Owner].Address.ToString())}", "max-prefix"),
            _ => new($"other/{limit.Kind}/{limit.Owner}/{limit.Item}", limit.Kind.ToString()),
        };
    }
}
