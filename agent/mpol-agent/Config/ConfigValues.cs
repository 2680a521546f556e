using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace PolicyKit.Agent.Config;

/// <summary>
/// Typed, checked reads of the layered configuration, one call per schema key. Each read
/// declares the key (so anything not read is an unknown key), parses and range-checks its value,
/// and records one error naming the key and where its value came from. A key with an error
/// yields its default, so binding continues and every other mistake is still reported.
/// </summary>
public sealed class ConfigValues(IConfiguration config, Func<string, string> originOf, Func<string, string> baseDirectoryOf)
{
    private readonly List<ConfigError> _errors = [];
    private readonly List<ConfigWarning> _warnings = [];
    private readonly List<ConfigKey> _keys = [];

    public IReadOnlyList<ConfigError> Errors => _errors;

    public IReadOnlyList<ConfigWarning> Warnings => _warnings;

    /// <summary>Every key read so far, in schema order.</summary>
    public IReadOnlyList<ConfigKey> Keys => _keys;

    public string Origin(string key) => originOf(ToConfigKey(key));

    public void Error(string key, string message) => _errors.Add(new ConfigError(key, Origin(key), message));

    public void Warn(string key, string message) => _warnings.Add(new ConfigWarning(key, Origin(key), message));

    public bool Has(string key) => config[ToConfigKey(key)] is not null;

    public string String(string key, string fallback, string doc)
    {
        Declare(key, "string", fallback.Length == 0 ? "\"\"" : $"\"{fallback}\"", doc);
        return config[ToConfigKey(key)] ?? fallback;
    }

    public bool Bool(string key, bool fallback, string doc)
    {
        Declare(key, "bool", fallback ? "true" : "false", doc);
        string? text = config[ToConfigKey(key)];
        if (text is null) return fallback;
        if (bool.TryParse(text, out bool value)) return value;
        Error(key, $"expected true or false, got \"{Shorten(text)}\"");
        return fallback;
    }

    public int Int(string key, int fallback, int min, int max, string doc)
    {
        Declare(key, $"integer {min}..{max}", fallback.ToString(CultureInfo.InvariantCulture), doc);
        string? text = config[ToConfigKey(key)];
        if (text is null) return fallback;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max) return value;
        Error(key, $"expected an integer {min}..{max}, got \"{Shorten(text)}\"");
        return fallback;
    }

    /// <summary>A duration written with its unit: 500ms, 10s, 5m, 1h.</summary>
    public TimeSpan Duration(string key, TimeSpan fallback, TimeSpan min, string doc)
    {
        Declare(key, "duration", $"\"{FormatDuration(fallback)}\"", doc);
        string? text = config[ToConfigKey(key)];
        if (text is null) return fallback;
        if (TryParseDuration(text, out var value) && value >= min) return value;
        Error(key, $"expected a duration of at least {FormatDuration(min)} with a unit (500ms, 10s, 5m, 1h), got \"{Shorten(text)}\"");
        return fallback;
    }

    public string Choice(string key, string fallback, string[] choices, string doc)
    {
        Declare(key, string.Join(" | ", choices), $"\"{fallback}\"", doc);
        string? text = config[ToConfigKey(key)];
        if (text is null) return fallback;
        var match = choices.FirstOrDefault(c => c.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (match is not null) return match;
        Error(key, $"expected one of {string.Join(", ", choices)}, got \"{Shorten(text)}\"");
        return fallback;
    }

    /// <summary>A file path, relative to the configuration file's folder when the file set it, else to the working directory (a --set or --table on the command line means what the shell means); with <paramref name="mustExist"/>, a missing file is an error.</summary>
    public string Path(string key, bool mustExist, string doc)
    {
        Declare(key, "path", "\"\"", doc);
        string? text = config[ToConfigKey(key)];
        if (string.IsNullOrEmpty(text)) return string.Empty;
        string full = System.IO.Path.GetFullPath(text, baseDirectoryOf(key));
        if (mustExist && !File.Exists(full)) Error(key, $"file not found: {full}");
        return full;
    }

    /// <summary>A secret: read, never echoed. Where it may come from is the caller's rule.</summary>
    public string? Secret(string key, string doc)
    {
        Declare(key, "secret", "(none)", doc);
        return config[ToConfigKey(key)];
    }

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        int i = 0;
        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
        if (i == 0 || !double.TryParse(text[..i], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || !double.IsFinite(n)) return false;
        double ms = text[i..].Trim() switch
        {
            "ms" => n,
            "s" => n * 1000,
            "m" => n * 60_000,
            "h" => n * 3_600_000,
            _ => double.NaN,
        };
        if (double.IsNaN(ms) || ms > TimeSpan.FromDays(365).TotalMilliseconds) return false;
        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    public static string FormatDuration(TimeSpan t) =>
        t.TotalMilliseconds % 3_600_000 == 0 && t.TotalHours >= 1 ? $"{t.TotalHours:0}h"
        : t.TotalMilliseconds % 60_000 == 0 && t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0}m"
        : t.TotalMilliseconds % 1000 == 0 ? $"{t.TotalSeconds:0}s"
        : $"{t.TotalMilliseconds:0}ms";

    public static string ToConfigKey(string dotted) => dotted.Replace('.', ':');

    private void Declare(string key, string type, string fallback, string doc) => _keys.Add(new ConfigKey(key, type, fallback, doc));

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
