using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace PolicyKit.Agent.Config;

/// <summary>The outcome of loading: settings when there is no error, else every error found (one per mistake).</summary>
public sealed record ConfigLoadResult(AgentSettings? Settings, IReadOnlyList<ConfigError> Errors, IReadOnlyList<ConfigKey> Keys, Func<string, string?> RawValue)
{
    public bool Ok => Errors.Count == 0;

    /// <summary>What loads but deserves attention (check-config prints these, run logs them).</summary>
    public IReadOnlyList<ConfigWarning> Warnings { get; init; } = [];
}

/// <summary>
/// Loads mpol-agent's configuration in three layers through Microsoft.Extensions.Configuration:
/// the TOML file, then environment variables <c>POLICYKIT__SECTION__KEY</c>, then command-line
/// overrides <c>section.key=value</c> (later layers win). Then binds it strictly to
/// <see cref="AgentSettings"/>: an unknown section or key, a wrong type, an out-of-range value, a
/// missing file or a contradiction is one <see cref="ConfigError"/> each, naming the key and where
/// its value came from. A section is one file here (its record and its keys); add it to
/// <see cref="Bind"/> and it is documented and checked like the others.
/// </summary>
public static class AgentConfigLoader
{
    public const string EnvironmentPrefix = "POLICYKIT__";

    /// <summary>Sections other parts of the agent bind themselves (e.g. [bmp], [nfqueue]); their keys are not unknown here.</summary>
    public static ConfigLoadResult Load(string? path, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> overrides)
    {
        var errors = new List<ConfigError>();
        var builder = new ConfigurationBuilder();
        var origins = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var fromFile = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string workingDirectory = Directory.GetCurrentDirectory();
        string fileDirectory = workingDirectory;

        if (path is not null)
        {
            // A regular file of at most 1 MB: `--config /dev/zero` or a FIFO is refused, not read forever.
            if (!PolicyKit.Tables.Files.BoundedFile.TryReadAllText(path, 1024 * 1024, out string text, out string error))
            {
                return Failed(new ConfigError(string.Empty, path, error == "no such file" ? "configuration file not found" : $"cannot read the configuration file: {error}"));
            }
            var toml = new TomlConfigurationSource(text, path);
            if (toml.SyntaxError is { } syntax) return Failed(syntax);
            builder.Add(toml);
            foreach (var (k, o) in toml.Origins) { origins[k] = o; fromFile.Add(k); }
            fileDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        }

        var env = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) || name.Length == EnvironmentPrefix.Length) continue;
            string key = name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal);
            env[key] = value;
            origins[key] = $"env {name}";
            fromFile.Remove(key);
        }
        builder.Add(new MemoryConfigurationSource { InitialData = env });

        var set = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (string o in overrides)
        {
            int eq = o.IndexOf('=');
            if (eq <= 0)
            {
                errors.Add(new ConfigError(string.Empty, $"--set {o}", "expected --set section.key=value"));
                continue;
            }
            string dotted = o[..eq].Trim();
            string key = ConfigValues.ToConfigKey(dotted);
            set[key] = o[(eq + 1)..];
            origins[key] = $"--set {dotted}";
            fromFile.Remove(key);
        }
        builder.Add(new MemoryConfigurationSource { InitialData = set });
        var config = builder.Build();

        string OriginOf(string key)
        {
            for (string k = key; k.Length > 0; k = k.Contains(':') ? k[..k.LastIndexOf(':')] : string.Empty)
            {
                if (origins.TryGetValue(k, out var o)) return o;
            }
            return path ?? "configuration";
        }

        // A relative path is relative to where it was written: the file's folder for the file, the
        // working directory for --set, --table and POLICYKIT__* (as the shell that typed them sees it).
        var values = new ConfigValues(config, OriginOf, k => fromFile.Contains(ConfigValues.ToConfigKey(k)) ? fileDirectory : workingDirectory);
        var settings = Bind(values, environment, k => fromFile.Contains(ConfigValues.ToConfigKey(k)));
        errors.AddRange(values.Errors);
        errors.AddRange(UnknownKeys(config, values.Keys, OriginOf));
        return new ConfigLoadResult(errors.Count == 0 ? settings : null, errors, values.Keys, k => config[ConfigValues.ToConfigKey(k)]) { Warnings = values.Warnings };

        ConfigLoadResult Failed(ConfigError e) => new(null, [e], [], _ => null);
    }

    /// <summary>Every key of the schema with its type, default and meaning (docs and the example file are checked against it).</summary>
    public static IReadOnlyList<ConfigKey> Schema()
    {
        var values = new ConfigValues(new ConfigurationBuilder().Build(), _ => "schema", _ => Directory.GetCurrentDirectory());
        Bind(values, new Dictionary<string, string>(), _ => false);
        return values.Keys;
    }

    private static AgentSettings Bind(ConfigValues v, IReadOnlyDictionary<string, string> environment, Func<string, bool> fromFile) => new(
        AgentSection.Bind(v),
        EngineSection.Bind(v),
        MqttSection.Bind(v, environment, fromFile),
        TelemetrySection.Bind(v),
        ReplaySection.Bind(v),
        NfqueueSection.Bind(v),
        BmpSection.Bind(v),
        LogSection.Bind(v));

    private static IEnumerable<ConfigError> UnknownKeys(IConfiguration config, IReadOnlyList<ConfigKey> schema, Func<string, string> originOf)
    {
        var known = schema.Select(k => k.Path).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var sections = schema.Select(k => k.Path[..k.Path.LastIndexOf('.')]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var reportedSections = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (configKey, value) in config.AsEnumerable().OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (value is null) continue;
            string dotted = configKey.Replace(':', '.').ToLowerInvariant();
            if (known.Contains(dotted)) continue;
            int dot = dotted.LastIndexOf('.');
            string section = dot < 0 ? string.Empty : dotted[..dot];
            if (!sections.Contains(section))
            {
                // One error per unknown section, not one per key in it.
                string top = dot < 0 ? dotted : section;
                if (!reportedSections.Add(top)) continue;
                if (dot < 0)
                {
                    yield return new ConfigError(dotted, originOf(configKey), $"unknown key outside any section{Suggest(dotted, known)}");
                }
                else
                {
                    string? near = Nearest(section, sections);
                    // A section from the file is reported at its [header]; one given by an
                    // environment variable or --set at that variable or option.
                    string origin = originOf(configKey);
                    if (!origin.StartsWith("env ", StringComparison.Ordinal) && !origin.StartsWith("--set ", StringComparison.Ordinal))
                        origin = originOf(configKey[..configKey.LastIndexOf(':')]);
                    yield return new ConfigError(section, origin, $"unknown section [{section}]{(near is null ? $" (sections: {string.Join(", ", sections.Order())})" : $" (did you mean [{near}]?)")}");
                }
                continue;
            }
            yield return new ConfigError(dotted, originOf(configKey), $"unknown key{Suggest(dotted, known)}");
        }
    }

    private static string Suggest(string key, IEnumerable<string> known)
    {
        string? near = Nearest(key, known);
        return near is null ? string.Empty : $" (did you mean {near}?)";
    }

    private static string? Nearest(string key, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string c in candidates)
        {
            int d = Distance(key, c);
            if (d < bestDistance) { bestDistance = d; best = c; }
        }
        return bestDistance <= Math.Max(2, key.Length / 4) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }
        return row[b.Length];
    }
}
