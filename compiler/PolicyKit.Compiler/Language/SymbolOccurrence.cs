using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Language;

/// <summary>The namespaces of the language's names (see <see cref="Binding.SymbolTable"/>).</summary>
public enum SymbolNamespace
{
    /// <summary>Sets, filters, classes and profiles: one namespace for the whole policy.</summary>
    Policy,

    Device,

    /// <summary>A keychain: declared in a device and named only inside it.</summary>
    Keychain,
}

/// <summary>What a name names: its namespace, the device that scopes it (keychains) and its text.</summary>
public readonly record struct SymbolKey(SymbolNamespace Namespace, string Scope, string Name);

/// <summary>One place where a name is written: where it is declared, or where it is used.</summary>
public sealed record SymbolOccurrence(SymbolKey Key, SourceSpan Span, bool IsDeclaration, string Kind)
{
    /// <summary>True when <paramref name="offset"/> is on the name (its end counts: the caret just after a word is on it).</summary>
    public bool Covers(int offset) => offset >= Span.Start && offset <= Span.End;
}
