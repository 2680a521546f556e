namespace PolicyKit.Nfqueue.TestHost;

/// <summary>"--name value" pairs (repeatable) and "--flag" switches.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _values = [];

    public static Arguments Parse(string[] args)
    {
        var a = new Arguments();
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'");
            string name = args[i][2..];
            string value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            if (!a._values.TryGetValue(name, out var list)) a._values[name] = list = [];
            list.Add(value);
        }
        return a;
    }

    public string? Get(string name) => _values.TryGetValue(name, out var l) ? l[^1] : null;

    public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var l) ? l : [];

    public bool Has(string name) => _values.ContainsKey(name);

    public double Seconds(string name, double fallback) => Get(name) is { } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
