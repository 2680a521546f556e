using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Language;

namespace PolicyKit.Bench;

/// <summary>
/// The language server's diagnostic refresh after an edit, on the generated 10k-line policy.
/// <see cref="RefreshOverStdio"/> is what an editor waits for: a real <c>mpolc lsp</c> process
/// (built beforehand: <c>dotnet build compiler/mpolc -c Release</c>) gets a
/// <c>textDocument/didChange</c> with the whole text (full sync) and the benchmark waits for the
/// <c>publishDiagnostics</c> of that version; <see cref="Analyze"/> is the check the server runs
/// for it, in process. Each invocation alternates between two texts that differ in one line in
/// the middle of the file, so every refresh is of a changed text.
/// </summary>
/// <remarks>
/// In process (the server is a process of its own anyway), one refresh per invocation: the default
/// toolchain's build of a boilerplate project times out on the shared 2-core machine.
/// </remarks>
[MemoryDiagnoser]
[InProcess]
[WarmupCount(3)]
[IterationCount(15)]
[InvocationCount(1, 1)]
public class LspBenchmarks
{
    private readonly string[] _texts = new string[2];
    private string _path = "";
    private CompilationOptions _options = new();
    private Process? _server;
    private Stream _toServer = Stream.Null;
    private Stream _fromServer = Stream.Null;
    private string _uri = "";
    private int _version = 1;
    private int _refreshes;
    private TimeSpan _serverCpuAtOpen;

    [Params("10k")]
    public string Preset { get; set; } = "10k";

    [GlobalSetup]
    public void Setup()
    {
        var preset = GeneratorPreset.Find(Preset) ?? throw new ArgumentException($"no preset '{Preset}'");
        string text = PolicyGenerator.Generate(preset).Text;
        // The edit: one line in the middle indented differently.
        int middle = text.IndexOf('\n', text.Length / 2) + 1;
        _texts[0] = text;
        _texts[1] = text.Insert(middle, "    ");
        _path = Path.Combine(Path.GetTempPath(), $"policykit-lsp-bench-{Environment.ProcessId}", PolicyGenerator.FileName);
        _uri = new Uri(_path).AbsoluteUri;
        _options = new CompilationOptions { Today = PolicyGenerator.Today };
        foreach (var variant in _texts)
        {
            var check = Analyze(variant).Check;
            if (check.Diagnostics.Count > 0) throw new InvalidOperationException($"the edited policy is not clean: {check.ErrorCount} errors, {check.WarningCount} warnings");
        }
    }

    [GlobalSetup(Target = nameof(RefreshOverStdio))]
    public void StartServer()
    {
        Setup();
        string mpolc = Path.Combine(RepoRoot(), "compiler", "mpolc", "bin", "Release", "net10.0", "mpolc.dll");
        if (!File.Exists(mpolc)) throw new InvalidOperationException($"{mpolc} is missing: run `dotnet build compiler/mpolc -c Release` first");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { mpolc, "lsp", "--today", PolicyGenerator.Today.ToString("yyyy-MM-dd") }) start.ArgumentList.Add(argument);
        _server = Process.Start(start)!;
        _toServer = _server.StandardInput.BaseStream;
        _fromServer = _server.StandardOutput.BaseStream;
        Send(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "initialize", ["params"] = new JsonObject { ["capabilities"] = new JsonObject() } });
        while (Receive()["id"] is null)
        {
        }
        Send(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "textDocument/didOpen",
            ["params"] = new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = _uri, ["languageId"] = "mpol", ["version"] = _version, ["text"] = _texts[0] } },
        });
        WaitForDiagnostics(_version);
        // The server's first checks JIT-compile the compiler: ten refreshes before its CPU time is counted.
        for (int i = 0; i < 10; i++) RefreshOverStdio();
        _refreshes = 0;
        _serverCpuAtOpen = _server.TotalProcessorTime;
    }

    [GlobalCleanup(Target = nameof(RefreshOverStdio))]
    public void StopServer()
    {
        if (_server is null) return;
        // CPU time is what a loaded machine does not stretch: the server's user + system time per refresh (all its threads).
        var cpu = _server.TotalProcessorTime - _serverCpuAtOpen;
        Console.WriteLine($"// mpolc lsp CPU per refresh: {cpu.TotalMilliseconds / Math.Max(_refreshes, 1):F1} ms ({_refreshes} refreshes, {cpu.TotalSeconds:F2} s)");
        Send(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 2, ["method"] = "shutdown" });
        Send(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = "exit" });
        if (!_server.WaitForExit(10_000)) _server.Kill();
        _server.Dispose();
    }

    /// <summary>didChange (full text) → publishDiagnostics of that version, over a real process's stdio.</summary>
    [Benchmark]
    public int RefreshOverStdio()
    {
        _version++;
        _refreshes++;
        Send(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["method"] = "textDocument/didChange",
            ["params"] = new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = _uri, ["version"] = _version },
                ["contentChanges"] = new JsonArray(new JsonObject { ["text"] = _texts[_version % 2] }),
            },
        });
        return WaitForDiagnostics(_version);
    }

    /// <summary>The check behind a refresh (PolicyDocument.Analyze), in process.</summary>
    [Benchmark]
    public int Analyze()
    {
        _refreshes++;
        return Analyze(_texts[_version++ % 2]).Check.Diagnostics.Count;
    }

    [GlobalSetup(Target = nameof(Analyze))]
    public void StartCounting()
    {
        Setup();
        _serverCpuAtOpen = Process.GetCurrentProcess().TotalProcessorTime;
    }

    /// <summary>The same CPU figure for the check in this process, to compare under the same load.</summary>
    [GlobalCleanup(Target = nameof(Analyze))]
    public void StopCounting()
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _serverCpuAtOpen;
        Console.WriteLine($"// in-process check CPU per call: {cpu.TotalMilliseconds / Math.Max(_refreshes, 1):F1} ms ({_refreshes} calls, {cpu.TotalSeconds:F2} s)");
    }

    private PolicyDocument Analyze(string text) =>
        PolicyDocument.Analyze(_path, text, new OpenDocumentsReader(new Dictionary<string, string> { [_path] = text }), _options);

    private int WaitForDiagnostics(int version)
    {
        while (true)
        {
            var message = Receive();
            if ((string?)message["method"] == "textDocument/publishDiagnostics" && (int?)message["params"]!["version"] == version)
            {
                int count = message["params"]!["diagnostics"]!.AsArray().Count;
                if (count > 0) throw new InvalidOperationException($"the server reported {count} diagnostics on a clean policy");
                return count;
            }
        }
    }

    private void Send(JsonObject message)
    {
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(message);
        _toServer.Write(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"));
        _toServer.Write(body);
        _toServer.Flush();
    }

    private JsonObject Receive()
    {
        int length = -1;
        var line = new StringBuilder();
        while (true)
        {
            int b = _fromServer.ReadByte();
            if (b < 0) throw new EndOfStreamException("mpolc lsp closed its output");
            if (b != '\n')
            {
                line.Append((char)b);
                continue;
            }
            string header = line.ToString().TrimEnd('\r');
            line.Clear();
            if (header.Length == 0) break;
            if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(header["Content-Length:".Length..].Trim());
        }
        var body = new byte[length];
        _fromServer.ReadExactly(body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PolicyKit.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"PolicyKit.sln not found above {AppContext.BaseDirectory}");
    }
}
