using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyKit.Compiler.Language;
using PolicyKit.Mpolc.Lsp;

namespace PolicyKit.Compiler.Tests.Language;

/// <summary>
/// The server's input is hostile until checked: mutated JSON-RPC messages (well framed, so each
/// one is a message the server must judge) go to an in-process server, which must answer each
/// batch's closing request and keep running; and every position of every example policy is
/// asked every question.
/// </summary>
public sealed class LspFrameFuzzTests
{
    private static readonly string[] Tokens = ["null", "{}", "[]", "\"\"", "-1", "1e999", "2147483648", "true", "\"\\u0000\"", "{\"uri\":5}", "\"file:///\"", "[[[[[[[[[["];

    [Fact]
    public async Task Mutated_messages_never_stop_the_server()
    {
        var toServer = new Pipe();
        var fromServer = new Pipe();
        var written = new StringWriter();
        var log = TextWriter.Synchronized(written);
        var served = Task.Run(() => LspCommand.Serve(toServer.Reader.AsStream(), fromServer.Writer.AsStream(), new CompilationOptions { Today = new DateOnly(2026, 11, 23) }, log));
        var client = new LspClient(toServer.Writer.AsStream(), fromServer.Reader.AsStream());
        client.Request("initialize", new JsonObject { ["capabilities"] = new JsonObject() });

        string uri = new Uri(Path.Combine(RepoPaths.Examples, "broadband-edge.mpol")).AbsoluteUri;
        string text = File.ReadAllText(Path.Combine(RepoPaths.Examples, "broadband-edge.mpol"));
        JsonObject Position(int line, int character) => new()
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri },
            ["position"] = new JsonObject { ["line"] = line, ["character"] = character },
        };
        var seeds = new JsonObject[]
        {
            Message(null, "textDocument/didOpen", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "mpol", ["version"] = 1, ["text"] = text } }),
            Message(null, "textDocument/didChange", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = uri, ["version"] = 2 },
                ["contentChanges"] = new JsonArray(new JsonObject
                {
                    ["range"] = new JsonObject { ["start"] = new JsonObject { ["line"] = 20, ["character"] = 3 }, ["end"] = new JsonObject { ["line"] = 21, ["character"] = 0 } },
                    ["text"] = "groups x { 239.1.0.0/16; }\n",
                }),
            }),
            Message(7, "textDocument/hover", Position(35, 10)),
            Message(8, "textDocument/definition", Position(125, 45)),
            Message(9, "textDocument/references", Position(61, 8)),
            Message(10, "textDocument/completion", Position(130, 20)),
            Message(null, "textDocument/didClose", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri } }),
        };

        var random = new Random(20261207);
        for (int batch = 0; batch < 40; batch++)
        {
            for (int i = 0; i < 25; i++)
            {
                byte[] body = Mutate(JsonSerializer.SerializeToUtf8Bytes(seeds[random.Next(seeds.Length)]), random);
                client.SendRaw(body);
            }
            // The batch's closing question: answered (with a result or an error), so the server reads on.
            var answer = client.Request("textDocument/hover", Position(0, 0));
            Assert.True(answer.ContainsKey("result") || answer.ContainsKey("error"), $"batch {batch}: {answer.ToJsonString()}");
            Assert.False(served.IsCompleted, $"the server stopped in batch {batch}: {written}");
        }
        // The mutants did reach the checks (not all of them were accepted as they were).
        Assert.Contains("refused", written.ToString(), StringComparison.Ordinal);
        client.Request("shutdown", null);
        client.Notify("exit", null);
        Assert.Equal(0, await served.WaitAsync(LspClient.Timeout));
    }

    [Fact]
    public void Every_position_of_every_example_gets_answers_that_point_at_names()
    {
        foreach (string path in Directory.GetFiles(RepoPaths.Examples, "*.mpol*"))
        {
            string text = File.ReadAllText(path);
            var open = new Dictionary<string, string> { [path] = text };
            var document = PolicyDocument.Analyze(path, text, new OpenDocumentsReader(open), new CompilationOptions { Today = new DateOnly(2026, 11, 23) });
            // Every offset for the name questions; every 13th for completion, which parses up to the caret.
            for (int offset = 0; offset <= text.Length; offset++)
            {
                foreach (var span in document.Definition(offset).Concat(document.References(offset, includeDeclaration: true)))
                {
                    Assert.Matches(@"^[A-Za-z0-9_.-]+$", span.Text);
                }
                if (document.Hover(offset) is { } hover) Assert.Equal(hover.Span.Text, text.Substring(hover.Span.Start, hover.Span.Length));
                if (offset % 13 == 0) Assert.All(document.Completion(offset), p => Assert.False(string.IsNullOrWhiteSpace(p.Label)));
            }
        }
    }

    private static JsonObject Message(int? id, string method, JsonObject parameters)
    {
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters };
        if (id is { } value) message["id"] = value;
        return message;
    }

    private static byte[] Mutate(byte[] body, Random random)
    {
        var bytes = new List<byte>(body);
        int mutations = 1 + random.Next(4);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 40), bytes.Count - at));
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                    break;
                case 3:
                    // A value replaced: from a ':' to the next ',' or '}'.
                    int colon = bytes.IndexOf((byte)':', at);
                    if (colon < 0) break;
                    int end = bytes.FindIndex(colon + 1, b => b is (byte)',' or (byte)'}');
                    if (end < 0) break;
                    bytes.RemoveRange(colon + 1, end - colon - 1);
                    bytes.InsertRange(colon + 1, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return [.. bytes];
    }
}
