using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Language;

/// <summary>A completion proposal: the text and what it is ("keyword", "groups set", "filter", …).</summary>
public sealed record CompletionProposal(string Label, string Kind);

/// <summary>What hovering over a name shows: Markdown, and the name's span.</summary>
public sealed record HoverAnswer(string Markdown, SourceSpan Span);

/// <summary>
/// One policy file as an editor holds it, checked as <c>mpolc check</c> checks it (with its
/// includes, confined the same way), and the answers to position questions about it. Pure:
/// the text comes in, answers go out; the names are indexed on the first question asked.
/// </summary>
public sealed class PolicyDocument
{
    private readonly Lazy<SymbolIndex> _index;

    private PolicyDocument(string path, string text, CheckResult check)
    {
        Path = path;
        Text = text;
        Check = check;
        // A text the compiler refused to read (larger than its bound) is not parsed here either.
        IsLoaded = check.Files.Any(f => f.Path == path);
        _index = new Lazy<SymbolIndex>(() => new SymbolIndex(check.Files));
    }

    /// <summary>False when the compiler could not read the document as a policy at all (its diagnostics say why).</summary>
    public bool IsLoaded { get; }

    public string Path { get; }

    public string Text { get; }

    /// <summary>The check of the document as the root of a policy: diagnostics in it and in the files it includes.</summary>
    public CheckResult Check { get; }

    public SymbolIndex Symbols => _index.Value;

    /// <param name="path">The document's path; its includes resolve beside it.</param>
    /// <param name="reader">Reads the document and its includes (an editor's unsaved text first).</param>
    public static PolicyDocument Analyze(string path, string text, IPolicyFileReader reader, CompilationOptions options) =>
        new(path, text, PolicyCompiler.Check(path, options, reader));

    /// <summary>Where the name at <paramref name="offset"/> is declared (none when it is not a declared name).</summary>
    public IReadOnlyList<SourceSpan> Definition(int offset) =>
        Symbols.At(Path, offset) is { } name ? Symbols.Declarations(name.Key).Select(o => o.Span).ToList() : [];

    /// <summary>Every place the name at <paramref name="offset"/> is written.</summary>
    public IReadOnlyList<SourceSpan> References(int offset, bool includeDeclaration) =>
        Symbols.At(Path, offset) is { } name ? Symbols.References(name.Key, includeDeclaration).Select(o => o.Span).ToList() : [];

    public HoverAnswer? Hover(int offset)
    {
        if (Symbols.At(Path, offset) is not { } name) return null;
        var declaration = Symbols.Declarations(name.Key).FirstOrDefault();
        if (declaration is null) return null;
        return new HoverAnswer(HoverText.For(declaration, Check.BoundModel), name.Span);
    }

    /// <summary>Keywords the grammar accepts at <paramref name="offset"/> and the declared names that fit there.</summary>
    public IReadOnlyList<CompletionProposal> Completion(int offset)
    {
        if (!IsLoaded) return [];
        var context = CompletionContext.At(Text, offset);
        var proposals = context.Keywords.Select(k => new CompletionProposal(k, "keyword")).ToList();
        if (context.Names == NameSlot.None) return proposals;
        var names = Symbols.DeclaredNames
            .Where(o => Fits(o, context))
            .Select(o => new CompletionProposal(o.Key.Name, o.Kind))
            .DistinctBy(p => p.Label)
            .OrderBy(p => p.Label, StringComparer.Ordinal);
        return [.. names, .. proposals];
    }

    private static bool Fits(SymbolOccurrence name, CompletionContext context) => context.Names switch
    {
        NameSlot.Sets => name.Kind.EndsWith(" set", StringComparison.Ordinal),
        NameSlot.Filters => name.Kind == "filter",
        NameSlot.Classes => name.Kind == "class",
        NameSlot.Profiles => name.Kind == "profile",
        NameSlot.Devices => name.Key.Namespace == SymbolNamespace.Device,
        NameSlot.Keychains => name.Key.Namespace == SymbolNamespace.Keychain && name.Key.Scope == context.Scope,
        NameSlot.AnyPolicyName => name.Key.Namespace == SymbolNamespace.Policy,
        _ => false,
    };
}
