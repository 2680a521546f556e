using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using PolicyKit.Compiler.Generated;
using static PolicyKit.Compiler.Generated.MpolParser;

namespace PolicyKit.Compiler.Language;

/// <summary>Which declared names fit where the caret is.</summary>
public enum NameSlot
{
    /// <summary>No name is expected (or one is being declared: a new name, not an existing one).</summary>
    None,
    Sets,
    Filters,
    Classes,
    Profiles,
    Devices,
    Keychains,

    /// <summary>A name is expected but the place does not say of which kind.</summary>
    AnyPolicyName,
}

/// <summary>
/// What may be written at a position: the keywords the parser would accept there and the kind
/// of name, if a name fits. Found by parsing the text up to the word under the caret followed
/// by a character no token starts with: the parser stops there and says what it expected.
/// </summary>
public sealed record CompletionContext(IReadOnlyList<string> Keywords, NameSlot Names, string Scope, int WordStart)
{
    private const string Sentinel = "\u0001";

    public static CompletionContext At(string text, int offset)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        int wordStart = offset;
        while (wordStart > 0 && IsNameChar(text[wordStart - 1])) wordStart--;
        var lexer = new MpolLexer(new AntlrInputStream(text[..wordStart] + Sentinel));
        lexer.RemoveErrorListeners();
        var parser = new MpolParser(new CommonTokenStream(lexer));
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.LL;
        var listener = new SentinelListener(wordStart);
        parser.AddErrorListener(listener);
        parser.policyFile();
        if (listener.Expected is not { } expected)
        {
            // The parser never reached the caret cleanly (an earlier mistake took it elsewhere): offer everything.
            return new CompletionContext([.. PolicyKeywords.All], NameSlot.AnyPolicyName, "", wordStart);
        }
        bool nameFits = expected.Contains(MpolLexer.IDENT);
        var keywords = expected.ToList()
            .Where(t => !(nameFits && PolicyKeywords.IsSoft(t)))
            .Select(t => PolicyKeywords.ByToken.GetValueOrDefault(t))
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        var (slot, scope) = nameFits ? SlotOf(listener.Context) : (NameSlot.None, "");
        return new CompletionContext(keywords, slot, scope, wordStart);
    }

    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    /// <summary>The kind of name the innermost rules at the caret refer to.</summary>
    private static (NameSlot Slot, string Scope) SlotOf(RuleContext? context)
    {
        RuleContext? previous = null;
        for (var current = context; current is not null; previous = current, current = current.Parent)
        {
            switch (current)
            {
                // In a set's body its entries name sets; at the set's own name a new name is written.
                case SetDeclContext set: return (set.name() is null || ReferenceEquals(set.name(), previous) || ReferenceEquals(set.name(), context) ? NameSlot.None : NameSlot.Sets, "");
                case FilterDeclContext or ClassDeclContext or ProfileDeclContext or DeviceDeclContext or KeychainBlockContext or BmpBlockContext or MsdpMeshGroupContext:
                    return (NameSlot.None, "");
                case SetItemContext or SetEntryContext or AddressRefContext or AddressItemContext or MatchTermContext:
                    return (NameSlot.Sets, "");
                case StateLimitClassesContext: return (NameSlot.Classes, "");
                case InterfaceDeclContext: return (NameSlot.Profiles, "");
                case TestDeclContext: return (NameSlot.Devices, "");
                case AuthTcpAoContext auth: return (NameSlot.Keychains, NameOccurrences.DeviceOf(auth));
                // Every other place a name goes names a filter (access, control, boundary filter,
                // source-filter, mrinfo, group-range, rp, msdp, prefix-filter, control-plane, protect).
                case IgmpStmtContext or BoundaryStmtContext or SourceFilterStmtContext or DeviceStmtContext or RpStmtContext
                    or MsdpStmtContext or MsdpPeerStmtContext or BgpNeighborStmtContext or ControlPlaneStmtContext or GroupEncryptionStmtContext:
                    return (NameSlot.Filters, "");
            }
        }
        return (NameSlot.AnyPolicyName, "");
    }

    /// <summary>Keeps what the parser expected when it met the sentinel, and the rule it was in.</summary>
    private sealed class SentinelListener(int sentinelOffset) : IAntlrErrorListener<IToken>
    {
        public IntervalSet? Expected { get; private set; }

        public RuleContext? Context { get; private set; }

        public void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
        {
            if (Expected is not null || offendingSymbol?.StartIndex != sentinelOffset) return;
            var parser = (Parser)recognizer;
            try
            {
                Expected = e?.GetExpectedTokens() ?? parser.GetExpectedTokens();
            }
            catch (ArgumentException)
            {
                return;
            }
            Context = e?.Context ?? parser.Context;
        }
    }
}
