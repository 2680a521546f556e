using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Diagnostics;

/// <summary>Collects diagnostics from every stage. Each stage adds through <see cref="DiagnosticCatalog"/>.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    // A finding reached twice (a shared filter or profile bound once per interface that uses it)
    // is reported once: same code, same place, same message.
    private readonly HashSet<(string Code, string Path, int Start, string Message)> _seen = [];

    public int Count => _items.Count;

    public bool HasErrors { get; private set; }

    public void Add(Diagnostic diagnostic)
    {
        if (!_seen.Add((diagnostic.Code, diagnostic.Span.File.Path, diagnostic.Span.Start, diagnostic.Message))) return;
        _items.Add(diagnostic);
        HasErrors |= diagnostic.IsError;
    }

    /// <summary>Adds one diagnostic built by a catalogue method: <c>bag.Add(span, c =&gt; c.UnresolvedName(...))</c>.</summary>
    public void Add(SourceSpan span, Func<DiagnosticCatalog, DiagnosticTemplate> build) =>
        Add(build(DiagnosticCatalog.Instance).At(span));

    public IReadOnlyList<Diagnostic> ToList() => _items
        .OrderBy(d => d.Span.File.Path, StringComparer.Ordinal)
        .ThenBy(d => d.Span.Start)
        .ThenBy(d => d.Code, StringComparer.Ordinal)
        .ToList();
}
