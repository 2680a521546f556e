namespace PolicyKit.Compiler.Diagnostics;

/// <summary>
/// Every diagnostic PolicyKit reports, declared in one place: one method per code. The ranges
/// live in partial files — MP1xxx syntax and files, MP2xxx names and binding, MP3xxx semantic
/// checks, MP4xxx platform support. docs/diagnostics.md documents each code; a test calls every
/// method and fails on a repeated or undocumented code. Codes are stable: never reuse one.
/// </summary>
public sealed partial class DiagnosticCatalog
{
    public static readonly DiagnosticCatalog Instance = new();

    private DiagnosticCatalog()
    {
    }

    private static DiagnosticTemplate Error(string code, string message, string? hint = null) =>
        new(code, DiagnosticSeverity.Error, message, hint);

    private static DiagnosticTemplate Warning(string code, string message, string? hint = null) =>
        new(code, DiagnosticSeverity.Warning, message, hint);

    private static DiagnosticTemplate Info(string code, string message, string? hint = null) =>
        new(code, DiagnosticSeverity.Info, message, hint);

    /// <summary>"did you mean 'x'?" for the closest known name, or null when none is close.</summary>
    internal static string? DidYouMean(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int distance = EditDistance(name, candidate);
            if (distance < bestDistance || (distance == bestDistance && string.CompareOrdinal(candidate, best) < 0))
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        int allowed = Math.Max(2, name.Length / 3);
        return best is not null && bestDistance <= allowed ? $"did you mean '{best}'?" : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
