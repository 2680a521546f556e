using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Language;

/// <summary>
/// The names of a policy (a file and what it includes), declarations and uses, for
/// go-to-definition, find-references, hover and completion. Built from the files' text alone,
/// so it answers while the policy has errors.
/// </summary>
public sealed class SymbolIndex
{
    private readonly Dictionary<string, List<SymbolOccurrence>> _byFile = new(StringComparer.Ordinal);
    private readonly Dictionary<SymbolKey, List<SymbolOccurrence>> _byKey = [];

    public SymbolIndex(IEnumerable<SourceFile> files)
    {
        foreach (var file in files)
        {
            // The file's syntax errors are the check's to report; here only the names count.
            var tree = PolicyParser.Parse(file, new DiagnosticBag());
            var occurrences = NameOccurrences.Collect(file, tree).ToList();
            _byFile[file.Path] = occurrences;
            foreach (var occurrence in occurrences)
            {
                if (!_byKey.TryGetValue(occurrence.Key, out var list)) _byKey[occurrence.Key] = list = [];
                list.Add(occurrence);
            }
        }
    }

    /// <summary>The name written at <paramref name="offset"/> of the file at <paramref name="path"/>, or null.</summary>
    public SymbolOccurrence? At(string path, int offset) =>
        _byFile.GetValueOrDefault(path)?.FirstOrDefault(o => o.Covers(offset));

    /// <summary>Where the name is declared (more than one place when it is declared twice, MP2002).</summary>
    public IReadOnlyList<SymbolOccurrence> Declarations(SymbolKey key) =>
        _byKey.GetValueOrDefault(key)?.Where(o => o.IsDeclaration).ToList() ?? [];

    /// <summary>Every place the name is written, in file order; declarations only when asked for.</summary>
    public IReadOnlyList<SymbolOccurrence> References(SymbolKey key, bool includeDeclaration) =>
        _byKey.GetValueOrDefault(key)?.Where(o => includeDeclaration || !o.IsDeclaration).ToList() ?? [];

    /// <summary>Every declared name, once each (the first declaration).</summary>
    public IEnumerable<SymbolOccurrence> DeclaredNames =>
        _byKey.Values.Select(list => list.FirstOrDefault(o => o.IsDeclaration)).OfType<SymbolOccurrence>();
}
