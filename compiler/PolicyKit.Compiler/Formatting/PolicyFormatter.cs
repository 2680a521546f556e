using System.Text;
using Antlr4.Runtime;
using PolicyKit.Compiler.Generated;
using PolicyKit.Compiler.Syntax;

namespace PolicyKit.Compiler.Formatting;

/// <summary>
/// <c>mpolc fmt</c>'s layout: each line indented by four spaces per open brace (a line that
/// starts with '}' one level less), trailing whitespace removed, runs of blank lines cut to one,
/// no blank lines at the start or end, one final newline, \n line endings. Nothing inside a line
/// moves — comments and the alignment of trailing comments stay as written — and no token
/// changes, so the policy means the same; the lines of a block comment after its first are kept
/// as they are. Formatting formatted text changes nothing.
/// </summary>
public static class PolicyFormatter
{
    private const int IndentWidth = 4;

    /// <summary>The formatted text. The caller checks the policy parses first: on text that does not, braces may not balance and indentation is a guess.</summary>
    public static string Format(string text)
    {
        text = text.ReplaceLineEndings("\n");
        var lines = text.Split('\n');
        // Per line: the brace depth before its first token, whether that token is '}', and
        // whether the line starts inside a block comment (then it is kept verbatim).
        var depthAt = new int[lines.Length];
        var closesFirst = new bool[lines.Length];
        var inComment = new bool[lines.Length];
        var seen = new bool[lines.Length];
        var lineStarts = new int[lines.Length];
        for (int i = 1; i < lines.Length; i++) lineStarts[i] = lineStarts[i - 1] + lines[i - 1].Length + 1;

        var lexer = new MpolLexer(new PolicyParser.StringCharStream(text));
        lexer.RemoveErrorListeners();
        int depth = 0;
        for (var token = lexer.NextToken(); token.Type != TokenConstants.EOF; token = lexer.NextToken())
        {
            if (token.Type == MpolLexer.WS) continue;
            int line = token.Line - 1;
            if (line >= 0 && line < lines.Length && !seen[line])
            {
                seen[line] = true;
                depthAt[line] = depth;
                closesFirst[line] = token.Text == "}";
            }
            if (token.Type == MpolLexer.BLOCK_COMMENT)
            {
                int last = LineOf(lineStarts, token.StopIndex);
                for (int l = line + 1; l <= last && l < lines.Length; l++) inComment[l] = true;
            }
            if (token.Type is MpolLexer.STRING or MpolLexer.LINE_COMMENT or MpolLexer.BLOCK_COMMENT) continue;
            if (token.Text == "{") depth++;
            else if (token.Text == "}" && depth > 0) depth--;
        }

        var output = new StringBuilder(text.Length);
        bool pendingBlank = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (inComment[i])
            {
                output.Append(lines[i].TrimEnd()).Append('\n');
                continue;
            }
            string content = lines[i].Trim();
            if (content.Length == 0)
            {
                pendingBlank = output.Length > 0;
                continue;
            }
            if (pendingBlank) output.Append('\n');
            pendingBlank = false;
            int level = Math.Max(0, depthAt[i] - (closesFirst[i] ? 1 : 0));
            output.Append(' ', level * IndentWidth).Append(content).Append('\n');
        }
        return output.ToString();
    }

    private static int LineOf(int[] lineStarts, int offset)
    {
        int index = Array.BinarySearch(lineStarts, offset);
        return index >= 0 ? index : ~index - 1;
    }
}
