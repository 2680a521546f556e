using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Language;

/// <summary>
/// <c>mpolc lsp</c> as an editor uses it: a real process, real LSP messages over stdio with
/// Content-Length framing, real files on disk.
/// </summary>
public sealed class LanguageServerProcessTests
{
    private static JsonObject Open(string uri, string text, int version = 1) => new()
    {
        ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "mpol", ["version"] = version, ["text"] = text },
    };

    private static JsonObject PositionIn(string uri, string text, int offset)
    {
        string before = text[..offset];
        int line = before.Count(c => c == '\n');
        int character = offset - (before.LastIndexOf('\n') + 1);
        return new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri },
            ["position"] = new JsonObject { ["line"] = line, ["character"] = character },
        };
    }

    /// <summary>0-based lines where <paramref name="name"/> is written as a name, outside comments.</summary>
    private static List<int> LinesNaming(string text, string name) =>
        text.Split('\n')
            .Select((line, index) => (Code: line.Split("//")[0], Index: index))
            .Where(l => Regex.IsMatch(l.Code, $@"(?<![\w.-]){Regex.Escape(name)}(?![\w.-])"))
            .Select(l => l.Index)
            .ToList();

    private static int Use(string text, string before, string name) =>
        text.IndexOf(before + name, StringComparison.Ordinal) + before.Length + 1;

    private static int Line(JsonNode location) => (int)location["range"]!["start"]!["line"]!;

    [Fact]
    public void Diagnostics_follow_the_text_as_it_is_typed_with_exact_ranges()
    {
        using var folder = new TempDirectory();
        string good = "groups tv { 232.1.0.0/16; }\nfilter f { permit groups tv; deny any; }\n";
        string path = folder.Write("p.mpol", good);
        string uri = new Uri(path).AbsoluteUri;
        using var server = LspProcess.Start(folder.Path);
        server.Initialize(folder.Path);

        // Unsaved text with a misspelt set: MP2001 on the name, line 1 (0-based), characters 25–28.
        string bad = good.Replace("groups tv;", "groups tvv;", StringComparison.Ordinal);
        server.Notify("textDocument/didOpen", Open(uri, bad));
        var diagnostics = server.WaitForDiagnostics(uri);
        var diagnostic = Assert.Single(diagnostics)!;
        Assert.Equal("MP2001", (string?)diagnostic["code"]);
        Assert.Equal(1, (int)diagnostic["severity"]!);
        Assert.Equal("""{"start":{"line":1,"character":25},"end":{"line":1,"character":28}}""", diagnostic["range"]!.ToJsonString());

        // A syntax error while typing: MP1001 where the parser stopped.
        server.Notify("textDocument/didChange", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri, ["version"] = 2 },
            ["contentChanges"] = new JsonArray(new JsonObject { ["text"] = good.Replace("deny any;", "deny any", StringComparison.Ordinal) }),
        });
        var syntax = Assert.Single(server.WaitForDiagnostics(uri, d => d.Count > 0 && (string?)d[0]!["code"] == "MP1001"))!;
        Assert.Equal(1, (int)syntax["range"]!["start"]!["line"]!);

        // Fixed: the diagnostics are cleared.
        server.Notify("textDocument/didChange", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri, ["version"] = 3 },
            ["contentChanges"] = new JsonArray(new JsonObject { ["text"] = good }),
        });
        Assert.Empty(server.WaitForDiagnostics(uri, d => d.Count == 0));
        Assert.False(server.Process.HasExited);
    }

    [Fact]
    public void Definition_references_hover_and_completion_answer_on_an_example_policy()
    {
        string path = Path.Combine(RepoPaths.Examples, "broadband-edge.mpol");
        string text = File.ReadAllText(path);
        string uri = new Uri(path).AbsoluteUri;
        using var server = LspProcess.Start(RepoPaths.Root);
        server.Initialize(RepoPaths.Root);
        server.Notify("textDocument/didOpen", Open(uri, text));
        Assert.Empty(server.WaitForDiagnostics(uri));

        // Definition: a profile used by an interface.
        var definition = server.Request("textDocument/definition", PositionIn(uri, text, Use(text, "uses ", "receiver-port")))["result"]!.AsArray();
        var declared = Assert.Single(definition)!;
        Assert.Equal(uri, (string?)declared["uri"]);
        Assert.Equal(LinesNaming(text, "profile receiver-port")[0], Line(declared));

        // References: a class, from its declaration, every use in the file.
        var parameters = PositionIn(uri, text, Use(text, "class ", "mpeg2-sd"));
        parameters["context"] = new JsonObject { ["includeDeclaration"] = true };
        var references = server.Request("textDocument/references", parameters)["result"]!.AsArray();
        Assert.Equal(LinesNaming(text, "mpeg2-sd"), references.Select(r => Line(r!)).Order());

        // Hover: a set of sets of sets, resolved to its twelve /18s.
        var hover = server.Request("textDocument/hover", PositionIn(uri, text, Use(text, "except ", "tv-channels")))["result"]!;
        string markdown = (string)hover["contents"]!["value"]!;
        Assert.Contains("groups set **tv-channels**", markdown, StringComparison.Ordinal);
        Assert.Contains("12 ranges", markdown, StringComparison.Ordinal);
        foreach (string range in new[] { "232.1.0.0/18", "232.2.128.0/18", "232.3.192.0/18" }) Assert.Contains(range + "\n", markdown, StringComparison.Ordinal);

        // Completion after `uses `: the profiles, nothing else.
        var completion = server.Request("textDocument/completion", PositionIn(uri, text, Use(text, "uses ", "receiver-port") - 1))["result"]!;
        var labels = completion["items"]!.AsArray().Select(i => ((string)i!["label"]!, (string)i["detail"]!)).ToList();
        Assert.Equal([("dslam-facing", "profile"), ("receiver-port", "profile")], labels);
    }

    [Fact]
    public void Includes_resolve_beside_the_document_and_stay_in_its_folder_tree()
    {
        using var folder = new TempDirectory();
        folder.Write("outside.mpol", "groups secret-plan { 239.9.0.0/16; }\n");
        string lib = folder.Write("policy/lib/sets.mpol", "groups shared { 239.1.0.0/16; }\ngroups broken { 10.0.0.0/8; }\n");
        string text = "include \"lib/sets.mpol\";\nfilter f { permit groups shared; deny any; }\n";
        string path = folder.Write("policy/main.mpol", text);
        string uri = new Uri(path).AbsoluteUri;
        using var server = LspProcess.Start("/");
        server.Initialize(folder.Path);
        server.Notify("textDocument/didOpen", Open(uri, text));

        // The included file's own mistake is published on that file.
        var libDiagnostics = server.WaitForDiagnostics(new Uri(lib).AbsoluteUri, d => d.Count > 0);
        Assert.Equal("MP3001", (string?)libDiagnostics[0]!["code"]);
        var definition = server.Request("textDocument/definition", PositionIn(uri, text, Use(text, "groups ", "shared")))["result"]!.AsArray();
        Assert.Equal(new Uri(lib).AbsoluteUri, (string?)Assert.Single(definition)!["uri"]);

        // The included file opened: checked as itself. Neither the including file's next check nor
        // its closing clears the open file's own findings (what that check had put on it is not its to clear).
        string libUri = new Uri(lib).AbsoluteUri;
        server.ForgetUnclaimed();
        server.Notify("textDocument/didOpen", Open(libUri, File.ReadAllText(lib)));
        server.WaitForDiagnostics(libUri, d => d.Count > 0);
        server.WaitForDiagnostics(uri); // the including file checked again (it reads the open file)
        server.Notify("textDocument/didClose", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri } });
        Assert.Empty(server.WaitForDiagnostics(uri, d => d.Count == 0));
        server.Request("textDocument/hover", PositionIn(libUri, "", 0)); // every notification sent before this answer has arrived
        var cleared = server.Unclaimed().Where(m => (string?)m["method"] == "textDocument/publishDiagnostics"
            && (string?)m["params"]!["uri"] == libUri && m["params"]!["diagnostics"]!.AsArray().Count == 0);
        Assert.True(!cleared.Any(), string.Join("\n", server.Unclaimed().Select(m => m.ToJsonString())));

        // An include that leaves the document's folder tree is refused, on the include (MP1010).
        string escaping = "include \"../outside.mpol\";\n" + text;
        server.Notify("textDocument/didOpen", Open(uri, escaping));
        var refused = server.WaitForDiagnostics(uri, d => d.Count > 0);
        var mp1010 = Assert.Single(refused, d => (string?)d!["code"] == "MP1010")!;
        Assert.Equal(0, Line(mp1010));
        Assert.DoesNotContain("239.9", refused.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_frames_get_an_error_or_are_ignored_and_the_server_keeps_answering()
    {
        using var folder = new TempDirectory();
        string text = "groups tv { 232.1.0.0/16; }\n";
        string uri = new Uri(folder.Write("p.mpol", text)).AbsoluteUri;
        using var server = LspProcess.Start(folder.Path);
        server.Initialize(folder.Path);
        server.Notify("textDocument/didOpen", Open(uri, text));
        server.WaitForDiagnostics(uri);

        static bool ErrorWithNullId(JsonObject m, int code) => m["error"] is { } e && (int)e["code"]! == code && m.ContainsKey("id") && m["id"] is null;

        // Not JSON: Parse error, id null (JSON-RPC 2.0 §5).
        server.SendRaw(Encoding.UTF8.GetBytes("{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": "));
        server.WaitFor(m => ErrorWithNullId(m, -32700), "a parse error");
        // JSON, but not a message: Invalid Request.
        server.SendRaw("[1, 2, 3]"u8.ToArray());
        server.WaitFor(m => ErrorWithNullId(m, -32600), "an invalid-request error for an array");
        server.SendRaw("\"just a string\""u8.ToArray());
        server.WaitFor(m => ErrorWithNullId(m, -32600), "an invalid-request error for a string");
        // A Content-Length of 90 TB: refused before anything is allocated; the next frame is read.
        server.SendBytes(Encoding.ASCII.GetBytes("Content-Length: 99999999999999\r\n\r\n"));
        server.WaitFor(m => ErrorWithNullId(m, -32600) && ((string)m["error"]!["message"]!).Contains("99999999999999", StringComparison.Ordinal), "a refusal of the huge message");
        // Header garbage, a header section without a length, then a frame glued to garbage.
        server.SendBytes(Encoding.ASCII.GetBytes("garbage without a colon\r\nX-Other: 1\r\n\r\n"));
        server.SendBytes(Encoding.ASCII.GetBytes(new string('x', 10_000)));
        // An unknown request: Method not found; an unknown notification: ignored.
        var unknown = server.Request("mpol/noSuchMethod", new JsonObject());
        Assert.Equal(-32601, (int)unknown["error"]!["code"]!);
        server.Notify("$/noSuchNotification", new JsonObject { ["x"] = 1 });
        // Parameters of the wrong shape: an error response to that request only.
        var wrong = server.Request("textDocument/hover", new JsonObject { ["textDocument"] = 5, ["position"] = "here" });
        Assert.NotNull(wrong["error"]);
        // A position far outside the document: clamped, not a crash.
        var far = server.Request("textDocument/hover", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri },
            ["position"] = new JsonObject { ["line"] = int.MaxValue, ["character"] = int.MaxValue },
        });
        Assert.Null(far["error"]);

        // Still serving: a real question gets its real answer.
        var hover = server.Request("textDocument/hover", PositionIn(uri, text, 8));
        Assert.Contains("232.1.0.0/16", (string)hover["result"]!["contents"]!["value"]!, StringComparison.Ordinal);
        Assert.Null(server.Request("shutdown", null)["result"]);
        server.Notify("exit", null);
        Assert.True(server.WaitForExit(LspProcess.Timeout), "mpolc lsp did not exit after shutdown and exit");
        Assert.Equal(0, server.Process.ExitCode);
    }

    [Fact]
    public void Exit_without_shutdown_or_the_end_of_input_stops_the_server_with_1()
    {
        using var folder = new TempDirectory();
        using (var server = LspProcess.Start(folder.Path))
        {
            server.Initialize(folder.Path);
            server.Notify("exit", null);
            Assert.True(server.WaitForExit(LspProcess.Timeout), "mpolc lsp did not exit on exit");
            Assert.Equal(1, server.Process.ExitCode);
        }
        using (var server = LspProcess.Start(folder.Path))
        {
            server.Initialize(folder.Path);
            server.CloseInput();
            Assert.True(server.WaitForExit(LspProcess.Timeout), "mpolc lsp did not exit when its input ended");
            Assert.Equal(1, server.Process.ExitCode);
        }
    }
}
