using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Language;

/// <summary>
/// A real <c>mpolc lsp</c> process driven over its stdin/stdout with LSP's Content-Length framing,
/// as an editor drives it. Every wait is bounded; the process is stopped (by its own handle) on dispose.
/// </summary>
internal sealed class LspProcess : LspClient, IDisposable
{
    private readonly StringBuilder _stderr;

    private LspProcess(Process process, StringBuilder stderr)
        : base(process.StandardInput.BaseStream, process.StandardOutput.BaseStream)
    {
        Process = process;
        _stderr = stderr;
    }

    public static LspProcess Start(string workingDirectory, params string[] arguments)
    {
        var start = MpolcRunner.ProcessStart(workingDirectory, ["lsp", .. arguments]);
        start.RedirectStandardInput = true;
        var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.Append(e.Data).Append('\n');
        };
        process.BeginErrorReadLine();
        return new LspProcess(process, stderr);
    }

    public Process Process { get; }

    public override string State
    {
        get
        {
            lock (_stderr) return $"exited: {Process.HasExited}; stderr:\n{_stderr}";
        }
    }

    public bool WaitForExit(TimeSpan timeout) => Process.WaitForExit(timeout);

    public void Dispose() => ExternalCommand.Stop(Process);
}

/// <summary>The client side of an LSP connection: framed messages out, framed messages in (read on a thread of its own).</summary>
internal class LspClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Stream _input;
    private readonly Stream _output;
    private readonly BlockingCollection<JsonObject> _received = new();
    private readonly List<JsonObject> _unclaimed = [];
    private int _nextId;

    /// <param name="toServer">The server's input.</param>
    /// <param name="fromServer">The server's output.</param>
    public LspClient(Stream toServer, Stream fromServer)
    {
        _input = toServer;
        _output = fromServer;
        new Thread(ReadFrames) { IsBackground = true }.Start();
    }

    /// <summary>What to say about the server when a wait fails.</summary>
    public virtual string State => "";

    public JsonObject Initialize(string rootPath)
    {
        var response = Request("initialize", new JsonObject { ["processId"] = Environment.ProcessId, ["rootUri"] = new Uri(rootPath).AbsoluteUri, ["capabilities"] = new JsonObject() });
        Notify("initialized", new JsonObject());
        return response;
    }

    /// <summary>Sends a request and returns its response (result or error), skipping notifications that arrive first.</summary>
    public JsonObject Request(string method, JsonNode? parameters)
    {
        int id = Interlocked.Increment(ref _nextId);
        Send(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });
        return WaitFor(m => m["id"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.GetValue<int>() == id && m["method"] is null, $"the response to {method} #{id}");
    }

    public void Notify(string method, JsonNode? parameters) =>
        Send(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters });

    public void Send(JsonObject message) => SendRaw(JsonSerializer.SerializeToUtf8Bytes(message));

    /// <summary>One frame with the body as given (which may be anything).</summary>
    public void SendRaw(byte[] body) => SendBytes([.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body]);

    public void SendBytes(byte[] bytes)
    {
        _input.Write(bytes);
        _input.Flush();
    }

    /// <summary>The next publishDiagnostics for <paramref name="uri"/> that satisfies <paramref name="accept"/>.</summary>
    public JsonArray WaitForDiagnostics(string uri, Func<JsonArray, bool>? accept = null) =>
        WaitFor(m => (string?)m["method"] == "textDocument/publishDiagnostics" && (string?)m["params"]!["uri"] == uri && (accept is null || accept(m["params"]!["diagnostics"]!.AsArray())),
            $"diagnostics for {uri}")["params"]!["diagnostics"]!.AsArray();

    /// <summary>Drops every message received and not claimed so far: what <see cref="Unclaimed"/> lists after this came later.</summary>
    public void ForgetUnclaimed()
    {
        lock (_unclaimed)
        {
            while (_received.TryTake(out _))
            {
            }
            _unclaimed.Clear();
        }
    }

    /// <summary>Every message received and not claimed so far (what has arrived by now; nothing is waited for).</summary>
    public IReadOnlyList<JsonObject> Unclaimed()
    {
        lock (_unclaimed)
        {
            while (_received.TryTake(out var message)) _unclaimed.Add(message);
            return [.. _unclaimed];
        }
    }

    /// <summary>The first message (received earlier and not yet claimed, or arriving within the timeout) that matches.</summary>
    public JsonObject WaitFor(Func<JsonObject, bool> match, string what)
    {
        lock (_unclaimed)
        {
            int index = _unclaimed.FindIndex(m => match(m));
            if (index >= 0)
            {
                var found = _unclaimed[index];
                _unclaimed.RemoveAt(index);
                return found;
            }
        }
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (!_received.TryTake(out var message, TimeSpan.FromMilliseconds(200)))
            {
                if (_received.IsCompleted) break;
                continue;
            }
            if (match(message)) return message;
            lock (_unclaimed) _unclaimed.Add(message);
        }
        Assert.Fail($"mpolc lsp sent no {what} within {Timeout.TotalSeconds} s; {State}");
        return null!;
    }

    public void CloseInput() => _input.Close();

    private void ReadFrames()
    {
        var output = _output;
        try
        {
            while (true)
            {
                int length = -1;
                while (true)
                {
                    string? line = ReadLine(output);
                    if (line is null) return;
                    if (line.Length == 0) break;
                    if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line["Content-Length:".Length..].Trim());
                }
                var body = new byte[length];
                output.ReadExactly(body);
                _received.Add(JsonNode.Parse(body)!.AsObject());
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or ObjectDisposedException)
        {
        }
        finally
        {
            _received.CompleteAdding();
        }
    }

    private static string? ReadLine(Stream stream)
    {
        var line = new List<byte>();
        while (true)
        {
            int b = stream.ReadByte();
            if (b < 0) return null;
            if (b == '\n') return Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
            line.Add((byte)b);
        }
    }
}
