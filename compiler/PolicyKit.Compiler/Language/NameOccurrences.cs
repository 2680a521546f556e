using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using PolicyKit.Compiler.Text;
using static PolicyKit.Compiler.Generated.MpolParser;

namespace PolicyKit.Compiler.Language;

/// <summary>
/// Every name written in one file, read from ANTLR's parse tree: a <c>name</c> is a declaration
/// or a reference according to the rule that holds it. Works on a tree with syntax errors too
/// (what ANTLR's recovery kept), so navigation keeps working while a file is being typed.
/// </summary>
public static class NameOccurrences
{
    public static IEnumerable<SymbolOccurrence> Collect(SourceFile file, PolicyFileContext tree)
    {
        // An explicit stack: a recovered tree of a hostile file may be deep.
        var pending = new Stack<IParseTree>();
        pending.Push(tree);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is NameContext name)
            {
                if (Classify(file, name) is { } occurrence) yield return occurrence;
                continue;
            }
            for (int i = node.ChildCount - 1; i >= 0; i--) pending.Push(node.GetChild(i));
        }
    }

    private static SymbolOccurrence? Classify(SourceFile file, NameContext name)
    {
        if (name.Start is not { StartIndex: >= 0, TokenIndex: >= 0 } start || name.Stop is not { } stop || stop.StopIndex < start.StartIndex) return null;
        var span = new SourceSpan(file, start.StartIndex, stop.StopIndex - start.StartIndex + 1);
        string text = span.Text;
        return name.Parent switch
        {
            SetDeclContext set => new(Policy(text), span, true, SetKindWord(set)),
            FilterDeclContext => new(Policy(text), span, true, "filter"),
            ClassDeclContext => new(Policy(text), span, true, "class"),
            ProfileDeclContext => new(Policy(text), span, true, "profile"),
            DeviceDeclContext => new(new SymbolKey(SymbolNamespace.Device, "", text), span, true, "device"),
            KeychainBlockContext keychain => new(new SymbolKey(SymbolNamespace.Keychain, DeviceOf(keychain), text), span, true, "keychain"),
            TestDeclContext => new(new SymbolKey(SymbolNamespace.Device, "", text), span, false, "device"),
            AuthTcpAoContext auth => new(new SymbolKey(SymbolNamespace.Keychain, DeviceOf(auth), text), span, false, "keychain"),
            // Labels that nothing refers to: a BMP station's name, an MSDP mesh group.
            BmpBlockContext or MsdpMeshGroupContext => null,
            _ => new(Policy(text), span, false, ""),
        };
    }

    private static SymbolKey Policy(string name) => new(SymbolNamespace.Policy, "", name);

    private static string SetKindWord(SetDeclContext set) => set.setKind()?.GetText() switch
    {
        "groups" => "groups set",
        "sources" => "sources set",
        _ => "prefixes set",
    };

    /// <summary>The name of the device a keychain or its use sits in ("" outside one).</summary>
    internal static string DeviceOf(RuleContext context)
    {
        for (var current = context.Parent; current is not null; current = current.Parent)
        {
            if (current is DeviceDeclContext device) return device.name()?.GetText() ?? "";
        }
        return "";
    }
}
