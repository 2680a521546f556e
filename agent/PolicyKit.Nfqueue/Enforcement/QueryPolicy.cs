using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>
/// Which interfaces drop IGMP/MLD queries (<c>queries drop</c> in the policy: hosts never query, so
/// a query from that side is an attack or a misconfigured host). The engine decides joins only, so
/// the enforcer reads this from the table itself (<see cref="MembershipEntry.DropQueries"/>); cached
/// per table, rebuilt when the engine has a new one.
/// </summary>
internal sealed class QueryPolicy
{
    private CompiledTable? _table;
    private readonly Dictionary<string, (bool V4, bool V6)> _drop = new(StringComparer.Ordinal);

    public bool DropsQueries(CompiledTable table, string policyInterface, AddressFamily family)
    {
        if (!ReferenceEquals(table, _table))
        {
            _drop.Clear();
            foreach (var i in table.Source.Interfaces) _drop[i.Name] = (i.Igmp?.DropQueries ?? false, i.Mld?.DropQueries ?? false);
            _table = table;
        }
        return _drop.TryGetValue(policyInterface, out var d) && (family == AddressFamily.V4 ? d.V4 : d.V6);
    }
}
