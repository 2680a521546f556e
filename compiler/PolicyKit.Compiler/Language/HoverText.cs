using System.Text;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Language;

/// <summary>The Markdown shown when hovering over a name: what it is, and for a set what it resolves to.</summary>
public static class HoverText
{
    /// <summary>At most this many ranges are listed; a set of thousands says how many more there are.</summary>
    public const int MaxRanges = 40;

    public static string For(SymbolOccurrence declaration, PolicyModel? model)
    {
        var (line, _) = declaration.Span.StartLineColumn;
        var text = new StringBuilder();
        string where = declaration.Key.Namespace == SymbolNamespace.Keychain ? $" (device {declaration.Key.Scope})" : "";
        text.Append(declaration.Kind).Append(" **").Append(declaration.Key.Name).Append("**").Append(where)
            .Append(" — ").Append(declaration.Span.File.Path).Append(':').Append(line).Append('\n');
        if (declaration.Kind.EndsWith(" set", StringComparison.Ordinal))
        {
            var set = model?.Sets.FirstOrDefault(s => s.Name == declaration.Key.Name);
            if (set is null)
            {
                text.Append("\nranges not resolved: the policy has errors before its sets are bound\n");
            }
            else
            {
                AppendRanges(text, set.Addresses);
            }
        }
        else if (declaration.Kind == "filter" && model?.Filters.FirstOrDefault(f => f.Name == declaration.Key.Name) is { } filter)
        {
            text.Append('\n').Append(filter.Rules.Length).Append(filter.Rules.Length == 1 ? " rule\n" : " rules\n");
        }
        else if (declaration.Kind == "class" && model?.Classes.FirstOrDefault(c => c.Name == declaration.Key.Name) is { } cls)
        {
            text.Append("\ncost ").Append(cls.Cost).Append('\n');
        }
        else if (declaration.Kind == "device" && model?.FindDevice(declaration.Key.Name) is { } device)
        {
            text.Append("\nplatform ").Append(device.Platform.Keyword()).Append(", ").Append(device.Interfaces.Length).Append(" interfaces\n");
        }
        return text.ToString();
    }

    private static void AppendRanges(StringBuilder text, AddressMatch addresses)
    {
        var include = addresses.Include;
        var except = addresses.Except;
        text.Append('\n').Append(include.Length).Append(include.Length == 1 ? " range" : " ranges");
        if (except.Length > 0) text.Append(", ").Append(except.Length).Append(" excepted");
        text.Append(":\n```\n");
        int shown = 0;
        foreach (var entry in include)
        {
            if (shown++ == MaxRanges) break;
            text.Append(entry).Append('\n');
        }
        foreach (var entry in except)
        {
            if (shown++ >= MaxRanges) break;
            text.Append("except ").Append(entry).Append('\n');
        }
        text.Append("```\n");
        int total = include.Length + except.Length;
        if (total > MaxRanges) text.Append("… and ").Append(total - MaxRanges).Append(" more\n");
    }
}
