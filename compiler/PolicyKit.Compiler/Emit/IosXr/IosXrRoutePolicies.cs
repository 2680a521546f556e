using PolicyKit.Compiler.Emit.Cisco;
using PolicyKit.Compiler.Emit.IosXe;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.IosXr;

/// <summary>
/// The prefix-sets and route-policies (RPL) an IOS XR device uses, in first-use order. XR has no
/// prefix list on a BGP neighbor: a prefix filter becomes a route-policy that tests the route
/// against prefix-sets in the filter's order — each run of rules with one action is a prefix-set
/// and an if/elseif branch that passes or drops it — and drops what no rule matches, so the
/// first-match meaning of the filter is kept exactly.
/// </summary>
public sealed class IosXrRoutePolicies
{
    private readonly List<(string Name, IReadOnlyList<string> Entries)> _prefixSets = [];
    private readonly List<(string Name, IReadOnlyList<string> Body)> _policies = [];

    /// <summary>The route-policy for a prefix filter in one family; defined once per name.</summary>
    public string ForPrefixFilter(Filter filter, IpFamily family)
    {
        string name = IosXrSyntax.Name(filter.Name, family == IpFamily.V4 ? null : "V6");
        if (_policies.Any(p => p.Name == name)) return name;

        var body = new List<string>();
        bool open = false, ended = false;
        foreach (var (action, prefixes, isAny) in Runs(IosXeEmitter.PrefixListEntries(filter, family), family))
        {
            string verdict = action == RuleAction.Permit ? "pass" : "drop";
            if (isAny)
            {
                // Everything left ends the list: later rules can never match.
                if (open) body.AddRange(["else", "  " + verdict, "endif"]);
                else body.Add(verdict);
                ended = true;
                break;
            }
            string set = IosXrSyntax.Shorten($"{name}-{_prefixSets.Count(s => s.Name.StartsWith(name + "-", StringComparison.Ordinal)) + 1}");
            _prefixSets.Add((set, prefixes));
            body.Add($"{(open ? "elseif" : "if")} destination in {set} then");
            body.Add("  " + verdict);
            open = true;
        }
        if (!ended)
        {
            // What no rule matches is dropped, as by the filter's implicit deny.
            if (open) body.AddRange(["else", "  drop", "endif"]);
            else body.Add("drop");
        }
        _policies.Add((name, body));
        return name;
    }

    /// <summary>A route-policy another part of the backend composes (origin validation, <see cref="IosXrInboundPolicy"/>); defined once per name.</summary>
    public string Define(string name, IReadOnlyList<string> body)
    {
        if (!_policies.Any(p => p.Name == name)) _policies.Add((name, body));
        return name;
    }

    /// <summary>
    /// The policy that passes every route: for an eBGP direction the policy does not filter.
    /// XR exchanges no routes on an eBGP session without a route-policy (RFC 8212); the policy
    /// means "no filter", as IOS-XE and Junos write it. The underscore keeps the name apart from
    /// every PK-NAME of a policy filter.
    /// </summary>
    public string PassAll()
    {
        _passAll = true;
        return PassAllName;
    }

    private const string PassAllName = "PK_PASS";

    /// <summary>Whether <see cref="PassAll"/> was used: its policy is written after the filters' ones.</summary>
    private bool _passAll;

    /// <summary>Writes every prefix-set, then every route-policy.</summary>
    public void Write(ConfigWriter w)
    {
        foreach (var (name, entries) in _prefixSets)
        {
            w.Line($"prefix-set {name}");
            using (w.Indent())
            {
                for (int i = 0; i < entries.Count; i++) w.Line(" " + entries[i] + (i < entries.Count - 1 ? "," : ""));
            }
            w.Line("end-set");
            w.Line("!");
        }
        foreach (var (name, body) in _passAll ? _policies.Append((PassAllName, ["pass"])) : _policies)
        {
            w.Line($"route-policy {name}");
            using (w.Indent())
            {
                foreach (var line in body) w.Line(" " + line);
            }
            w.Line("end-policy");
            w.Line("!");
        }
    }

    /// <summary>Prefix-list entries ("permit 10.0.0.0/8 le 32") grouped into runs of one action.</summary>
    private static List<(RuleAction Action, List<string> Prefixes, bool IsAny)> Runs(IEnumerable<string> entries, IpFamily family)
    {
        string any = family == IpFamily.V4 ? "0.0.0.0/0 le 32" : "::/0 le 128";
        var runs = new List<(RuleAction Action, List<string> Prefixes, bool IsAny)>();
        // The prefixes of the last run, for "already in it" in constant time (runs can be long).
        var inLastRun = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            int space = entry.IndexOf(' ');
            var action = entry[..space] == "permit" ? RuleAction.Permit : RuleAction.Deny;
            string prefix = entry[(space + 1)..];
            if (prefix == any)
            {
                runs.Add((action, [], true));
                break;
            }
            if (runs.Count > 0 && runs[^1].Action == action && !runs[^1].IsAny)
            {
                if (inLastRun.Add(prefix)) runs[^1].Prefixes.Add(prefix);
            }
            else
            {
                runs.Add((action, [prefix], false));
                inLastRun.Clear();
                inLastRun.Add(prefix);
            }
        }
        return runs;
    }
}
