using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Syntax;

/// <summary>A parsed file of a policy: its text and its tree (null when it had syntax errors).</summary>
public sealed record LoadedFile(SourceFile Source, PolicyFileSyntax? Syntax);

/// <summary>
/// Reads a policy file and, depth first, every file it includes. A file included twice is read
/// once; a cycle is an error at the include that closes it. Files are returned in the order
/// their declarations should be seen: includes before the file that includes them.
/// An include must name a policy file (<c>.mpol</c>, MP1011) within the <see cref="IncludeScope"/>
/// (the policy's folder tree, std/, and --include-dir folders: MP1010); a file is read only if it
/// is a regular file of bounded size (MP1009). So nothing but a policy is ever parsed, and no
/// diagnostic quotes a file that is not one.
/// </summary>
public sealed class IncludeLoader(IPolicyFileReader reader, DiagnosticBag diagnostics, IEnumerable<string>? includeDirectories = null)
{
    public const string PolicyExtension = ".mpol";

    private readonly Dictionary<string, LoadedFile> _loaded = new(StringComparer.Ordinal);
    private readonly List<LoadedFile> _ordered = [];
    private readonly List<string> _stack = [];
    private IncludeScope? _scope;

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
        _scope = new IncludeScope(rootPath, includeDirectories ?? []);
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
            if (Refusal(include.Path) is { } refusal)
            {
                diagnostics.Add(include.Span, c => c.IncludeReadFailed(include.Path, refusal));
                continue;
            }
            if (!include.Path.EndsWith(PolicyExtension, StringComparison.Ordinal))
            {
                diagnostics.Add(include.Span, c => c.IncludeNotPolicy(include.Path));
                continue;
            }
            string target = reader.Resolve(path, include.Path);
            if (!_scope!.Allows(target))
            {
                diagnostics.Add(include.Span, c => c.IncludeOutsideScope(include.Path));
                continue;
            }
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

    /// <summary>Why a written path cannot name a file at all (before it is resolved), or null.</summary>
    private static string? Refusal(string path) =>
        path.Length == 0 ? "an empty path"
        : path.Contains('\0', StringComparison.Ordinal) ? "the path holds a NUL character"
        : null;
}
