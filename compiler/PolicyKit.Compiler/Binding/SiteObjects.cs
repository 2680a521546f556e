using System.Collections.Immutable;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;

namespace PolicyKit.Compiler.Binding;

/// <summary>
/// Names of the site's own objects (<c>takeover</c>, <c>compose loopback-filter</c>): a name is one
/// word the router would take as an ACL or filter name, and never PolicyKit's own (PK-…), which
/// PolicyKit replaces anyway. A bad name is MP3060 and is left out.
/// </summary>
internal static class SiteObjects
{
    public static IEnumerable<SiteObject> Bind(IEnumerable<SiteObjectSyntax> names, DiagnosticBag diagnostics)
    {
        foreach (var name in names)
        {
            string? reason = name.Name.Length == 0 ? "it is empty"
                : name.Name.Any(c => char.IsWhiteSpace(c) || c is '"' or '\\' or ';' or '[' or ']' or '{' or '}') ? "a router object's name is one word without quotes, brackets or semicolons"
                : name.Name.StartsWith(SiteObject.OwnedPrefix, StringComparison.Ordinal) ? $"names starting with {SiteObject.OwnedPrefix} are PolicyKit's own, which it replaces without being told"
                : null;
            if (reason is not null)
            {
                diagnostics.Add(name.Span, c => c.NotASiteObject(name.Name, reason));
                continue;
            }
            yield return new SiteObject(name.Name, name.Span);
        }
    }

    /// <summary>Each name once, first occurrence kept, in the order written.</summary>
    public static ImmutableArray<SiteObject> Distinct(IEnumerable<SiteObject> objects) =>
        objects.DistinctBy(o => o.Name, StringComparer.Ordinal).ToImmutableArray();
}
