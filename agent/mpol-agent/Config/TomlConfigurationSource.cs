using System.Globalization;
using Microsoft.Extensions.Configuration;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace PolicyKit.Agent.Config;

/// <summary>
/// A TOML file as a Microsoft.Extensions.Configuration source (no such provider is published for
/// Tomlyn). Built on Tomlyn's syntax tree rather than its serializer so every key keeps its
/// position: <see cref="Origins"/> maps each configuration key (<c>mqtt:tls:ca_file</c>) to
/// <c>file:line:col</c> of its value. Tables become sections, arrays become <c>key:0</c>,
/// <c>key:1</c>…; scalars are stored as their text (the schema parses them).
/// A file that is not valid TOML yields <see cref="SyntaxError"/> and no keys.
/// </summary>
public sealed class TomlConfigurationSource : IConfigurationSource
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.OrdinalIgnoreCase);

    public TomlConfigurationSource(string text, string fileName)
    {
        FileName = fileName;
        DocumentSyntax doc;
        try
        {
            doc = SyntaxParser.Parse(text, fileName, true);
        }
        catch (Exception e) when (e is Tomlyn.TomlException or ArgumentException or InvalidOperationException)
        {
            SyntaxError = new ConfigError(string.Empty, fileName, $"not valid TOML: {e.Message}");
            return;
        }
        var first = doc.Diagnostics.FirstOrDefault(d => d.Kind == DiagnosticMessageKind.Error);
        if (first is not null)
        {
            SyntaxError = new ConfigError(string.Empty, Where(first.Span.Start), $"not valid TOML: {first.Message}");
            return;
        }
        foreach (var kv in doc.KeyValues) Add(string.Empty, kv);
        foreach (var table in doc.Tables)
        {
            string name = KeyText(table.Name);
            if (table is TableArraySyntax)
            {
                SyntaxError = new ConfigError(name.Replace(':', '.'), Where(table.Span.Start), "arrays of tables ([[...]]) are not used by mpol-agent's configuration");
                return;
            }
            Origins[name] = Where(table.Span.Start);
            foreach (var kv in table.Items) Add(name, kv);
        }
    }

    public string FileName { get; }

    /// <summary>The first syntax error, when the file is not TOML.</summary>
    public ConfigError? SyntaxError { get; private set; }

    /// <summary>Configuration key → "file:line:col" of its value (or of its table header).</summary>
    public Dictionary<string, string> Origins { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Configuration keys whose TOML value was a string (for type messages).</summary>
    public HashSet<string> Strings { get; } = new(StringComparer.OrdinalIgnoreCase);

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(_values);

    private void Add(string prefix, KeyValueSyntax kv)
    {
        string key = prefix.Length == 0 ? KeyText(kv.Key) : prefix + ":" + KeyText(kv.Key);
        AddValue(key, kv.Value);
    }

    private void AddValue(string key, ValueSyntax? value)
    {
        if (value is null) return;
        Origins[key] = Where(value.Span.Start);
        switch (value)
        {
            case StringValueSyntax s:
                _values[key] = s.Value;
                Strings.Add(key);
                break;
            case IntegerValueSyntax i:
                _values[key] = i.Value.ToString(CultureInfo.InvariantCulture);
                break;
            case BooleanValueSyntax b:
                _values[key] = b.Value ? "true" : "false";
                break;
            case FloatValueSyntax f:
                _values[key] = f.Value.ToString("R", CultureInfo.InvariantCulture);
                break;
            case ArraySyntax a:
                int index = 0;
                foreach (var item in a.Items) AddValue($"{key}:{index++}", item.Value);
                break;
            case InlineTableSyntax t:
                foreach (var item in t.Items) if (item.KeyValue is { } kv) Add(key, kv);
                break;
            default:
                // Dates and times: kept as text; no key of ours takes one, so the schema reports it.
                _values[key] = value.ToString()?.Trim();
                break;
        }
    }

    private string Where(TextPosition p) => $"{FileName}:{p.Line + 1}:{p.Column + 1}";

    private static string KeyText(KeySyntax? key)
    {
        if (key is null) return string.Empty;
        var parts = new List<string> { PartText(key.Key) };
        foreach (var dot in key.DotKeys) parts.Add(PartText(dot.Key));
        return string.Join(':', parts);
    }

    private static string PartText(BareKeyOrStringValueSyntax? part) => part switch
    {
        StringValueSyntax s => s.Value ?? string.Empty,
        null => string.Empty,
        _ => part.ToString()?.Trim() ?? string.Empty,
    };

    private sealed class Provider(Dictionary<string, string?> values) : ConfigurationProvider
    {
        public override void Load() => Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
    }
}
