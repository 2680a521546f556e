namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>
/// The named objects a Junos device uses — prefix lists, damping profiles, policy statements,
/// policers and firewall filters — collected in first-use order and written as set lines.
/// A definition is its body: the lines after "set KIND NAME". Names come from policy names
/// only, so they are stable; a second, different body under one name gets -2, -3, ….
/// Every object is written as <c>delete KIND NAME</c> then its <c>set</c> lines, so loading the
/// file replaces it (it is PolicyKit's: its name starts with PK-).
/// </summary>
public sealed class JunosBook
{
    public const string PrefixList = "policy-options prefix-list";
    public const string Damping = "policy-options damping";
    public const string PolicyStatement = "policy-options policy-statement";
    public const string Community = "policy-options community";
    public const string AsPath = "policy-options as-path";
    public const string Policer = "firewall policer";
    public const string FilterInet = "firewall family inet filter";
    public const string FilterInet6 = "firewall family inet6 filter";

    // The order definitions are written in: referenced objects before the objects using them.
    private static readonly string[] KindOrder = [PrefixList, Damping, Community, AsPath, PolicyStatement, Policer, FilterInet, FilterInet6];

    private readonly List<(string Kind, string Name, JunosBody Body)> _definitions = [];
    private readonly Dictionary<(string Kind, string Name), JunosBody> _byName = [];

    public string Add(string kind, string baseName, IReadOnlyList<string> lines) => Add(kind, baseName, new JunosBody(lines));

    public string Add(string kind, string baseName, JunosTerms terms) => Add(kind, baseName, terms.Body);

    private string Add(string kind, string baseName, JunosBody body)
    {
        for (int i = 1; ; i++)
        {
            string candidate = i == 1 ? baseName : JunosSyntax.Fit($"{baseName}-{i}", 64);
            if (!_byName.TryGetValue((kind, candidate), out var existing))
            {
                _byName[(kind, candidate)] = body;
                _definitions.Add((kind, candidate, body));
                return candidate;
            }
            if (existing.SameAs(body)) return candidate;
        }
    }

    public bool IsEmpty => _definitions.Count == 0;

    public void Write(ConfigWriter w)
    {
        foreach (var kind in KindOrder)
        {
            foreach (var (_, name, body) in _definitions.Where(d => d.Kind == kind))
            {
                // Replaced as a whole in the one commit that loads the file: terms, route-filters
                // or policer settings the policy no longer has are deleted with the object, and
                // Junos applies delete and set together (docs/targets.md, "Re-applying").
                w.Line($"delete {kind} {name}");
                // Rendered from the body when the file is read, not copied into the writer: a
                // filter can be 100k lines (issue 18).
                w.Deferred(body.AsSetLines($"set {kind} {name}"));
                w.Blank();
            }
        }
    }
}
