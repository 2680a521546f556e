using System.Collections.Immutable;
using System.Text.RegularExpressions;
using PolicyKit.Compiler.Model;
using static PolicyKit.Compiler.Generated.MpolParser;

namespace PolicyKit.Compiler.Syntax;

// IRR-built prefix sets: `prefixes X from irr "AS-EXAMPLE" { … }` becomes a prefixes set whose
// only entry is the IRR question; the binder puts the resolved prefixes in its place.
public sealed partial class AstBuilder
{
    // An as-set name (AS-FOO), an ASN (AS65000), or a hierarchical set name of those (RFC 2622 5.1).
    private static readonly Regex IrrObjectName = new(
        @"^(?:AS[0-9]{1,10}|AS-[A-Z0-9_-]+)(?::(?:AS[0-9]{1,10}|AS-[A-Z0-9_-]+))*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    private SetDeclSyntax BuildIrrSet(IrrSetDeclContext set)
    {
        var name = Name(set.name());
        string objectName = Text(set.STRING());
        var objectSpan = Span(set.STRING().Symbol);
        if (objectName.Length > 255 || !IrrObjectName.IsMatch(objectName))
        {
            Report(objectSpan, c => c.InvalidNumber($"\"{objectName}\"", "expected an as-set name (AS-EXAMPLE, AS65000:AS-CUSTOMERS) or an ASN (AS65000)"));
            return new SetDeclSyntax(SetKind.Prefixes, name, [], Span(set));
        }
        string? rpsl = null;
        int? v4 = null, v6 = null;
        bool aggregate = false;
        int limit = IrrQuery.DefaultLimit;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string scope = $"prefixes set '{name.Text}'";
        foreach (var statement in set.irrStmt())
        {
            string keyword = statement.Start.Text;
            if (statement is not IrrMaxLengthContext && !seen.Add(keyword)) Report(Span(statement), c => c.DuplicateSetting(keyword, scope));
            switch (statement)
            {
                case IrrRpslContext r:
                    rpsl = Text(r.STRING());
                    break;
                case IrrAggregateContext:
                    aggregate = true;
                    break;
                case IrrLimitContext l:
                    limit = (int)(SmallInt(l.INT(), 1, IrrQuery.MaxLimit) ?? limit);
                    break;
                case IrrMaxLengthContext m:
                    foreach (var length in m.irrFamilyLength())
                    {
                        bool isV4 = length.IPV4_WORD() is not null;
                        string setting = isV4 ? "max-length ipv4" : "max-length ipv6";
                        if (!seen.Add(setting)) Report(Span(length), c => c.DuplicateSetting(setting, scope));
                        int? value = SmallInt(length.INT(), isV4 ? 8 : 16, isV4 ? 32 : 128) is { } n ? (int)n : null;
                        if (isV4) v4 = value ?? v4;
                        else v6 = value ?? v6;
                    }
                    break;
            }
        }
        var query = new IrrQuery(objectName, v4, v6, aggregate, limit);
        var item = new IrrItemSyntax(query, rpsl, objectSpan);
        return new SetDeclSyntax(SetKind.Prefixes, name, [new SetEntrySyntax(false, item, null, null, Span(set))], Span(set));
    }
}
