namespace PolicyKit.Compiler.Emit.Junos;

/// <summary>
/// The named objects a Junos device uses — prefix lists, damping profiles, policy statements,
/// policers and firewall filters — collected in first-use order and written as set lines.
/// A definition is its body: the lines after "set KIND NAME". Names come from policy names
/// only, so they are stable; a second, different body under one name gets -2, -3, ….
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

    private readonly List<(string Kind, string Name, IReadOnlyList<string> Body)> _definitions = [];
    private readonly Dictionary<(string Kind, string Name), IReadOnlyList<string>> _byName = [];

    public string Add(string kind, string baseName, IReadOnlyList<string> body)
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
            if (existing.SequenceEqual(body, StringComparer.Ordinal)) return candidate;
        }
    }

    public bool IsEmpty => _definitions.Count == 0;

    public void Write(ConfigWriter w)
    {
        foreach (var kind in KindOrder)
        {
            foreach (var (_, name, body) in _definitions.Where(d => d.Kind == kind))
            {
                foreach (var line in body) w.Line(line.Length == 0 ? $"set {kind} {name}" : $"set {kind} {name} {line}");
                w.Blank();
            }
        }
    }
}
