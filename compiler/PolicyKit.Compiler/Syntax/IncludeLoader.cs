using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Syntax;

/// <summary>A parsed file of a policy: its text and its tree (null when it had syntax errors).</summary>
public sealed record LoadedFile(SourceFile Source, PolicyFileSyntax? Syntax);

/// <summary>
/// Reads a policy file and, depth first, every file it includes. A file included twice is read
/// once; a cycle is an error at the include that closes it. Files are returned in the order
/// their declarations should be seen: includes before the file that includes them.
/// </summary>
public sealed class IncludeLoader(IPolicyFileReader reader, DiagnosticBag diagnostics)
{
    private readonly Dictionary<string, LoadedFile> _loaded = new(StringComparer.Ordinal);
    private readonly List<LoadedFile> _ordered = [];
    private readonly List<string> _stack = [];

    public IReadOnlyList<LoadedFile> Load(string rootPath)
    {
        var text = reader.Read(rootPath, out var error);
        if (text is null)
        {
            // The CLI checks top-level files before calling us; this covers library callers.
            var placeholder = new SourceFile(rootPath, string.Empty);
            diagnostics.Add(new SourceSpan(placeholder, 0, 0), c => c.IncludeReadFailed(rootPath, error ?? "unreadable"));
            return [];
        }
        Visit(rootPath, text);
        return _ordered;
    }

    private void Visit(string path, string text)
    {
        var source = new SourceFile(path, text);
        _stack.Add(path);
        PolicyFileSyntax? syntax = PolicyParser.ParseSyntax(source, diagnostics);
        var file = new LoadedFile(source, syntax);
        _loaded[path] = file;
        foreach (var include in syntax?.Includes ?? [])
        {
            string target = reader.Resolve(path, include.Path);
            if (_stack.Contains(target, StringComparer.Ordinal))
            {
                string chain = string.Join(" → ", _stack.SkipWhile(p => p != target).Append(target));
                diagnostics.Add(include.Span, c => c.IncludeCycle(chain));
                continue;
            }
            if (_loaded.ContainsKey(target)) continue;
            var includedText = reader.Read(target, out var error);
            if (includedText is null)
            {
                if (error == "no such file" || error == "no such file in the standard library")
                    diagnostics.Add(include.Span, c => c.IncludeNotFound(include.Path));
                else
                    diagnostics.Add(include.Span, c => c.IncludeReadFailed(include.Path, error ?? "unreadable"));
                continue;
            }
            Visit(target, includedText);
        }
        _stack.RemoveAt(_stack.Count - 1);
        _ordered.Add(file);
    }
}
