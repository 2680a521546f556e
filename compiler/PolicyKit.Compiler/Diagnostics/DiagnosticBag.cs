using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Diagnostics;

/// <summary>Collects diagnostics from every stage. Each stage adds through <see cref="DiagnosticCatalog"/>.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public int Count => _items.Count;

    public bool HasErrors => _items.Any(d => d.IsError);

    public void Add(Diagnostic diagnostic) => _items.Add(diagnostic);

    /// <summary>Adds one diagnostic built by a catalogue method: <c>bag.Add(span, c =&gt; c.UnresolvedName(...))</c>.</summary>
    public void Add(SourceSpan span, Func<DiagnosticCatalog, DiagnosticTemplate> build) =>
        _items.Add(build(DiagnosticCatalog.Instance).At(span));

    public IReadOnlyList<Diagnostic> ToList() => _items
        .OrderBy(d => d.Span.File.Path, StringComparer.Ordinal)
        .ThenBy(d => d.Span.Start)
        .ThenBy(d => d.Code, StringComparer.Ordinal)
        .ToList();
}
