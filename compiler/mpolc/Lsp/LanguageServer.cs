using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Language;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Text;
using StreamJsonRpc;

namespace PolicyKit.Mpolc.Lsp;

/// <summary>
/// The methods of <c>mpolc lsp</c>. Documents are kept as the editor sends them (full text on
/// every change); each is checked as the root of a policy, as <c>mpolc check</c> would check it
/// saved, by a single background worker that always takes the newest text, so a burst of edits
/// costs one check, not one per keystroke. Position questions go to <see cref="PolicyDocument"/>.
/// </summary>
[RequiresUnreferencedCode(LspCommand.NotTrimSafe)]
[RequiresDynamicCode(LspCommand.NotTrimSafe)]
internal sealed class LanguageServer(CompilationOptions options, TextWriter log)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, OpenDocument> _documents = new(StringComparer.Ordinal);
    // Files (not open) whose diagnostics a root's check published, to clear them when they go.
    private readonly Dictionary<string, HashSet<string>> _publishedFor = new(StringComparer.Ordinal);
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _work = new(0);
    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _shutdown;
    private int _workerStarted;

    public JsonRpc? Rpc { get; set; }

    /// <summary>Completes with the exit code when the client sends <c>exit</c> (0 after shutdown, 1 before).</summary>
    public Task<int> Exited => _exit.Task;

    private sealed record OpenDocument(string Uri, string Path, int Version, string Text)
    {
        public PolicyDocument? Analysis { get; set; }
    }

    // ── lifecycle ──

    [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
    public InitializeResult Initialize(JsonElement parameters)
    {
        var capabilities = JsonSerializer.SerializeToElement(new
        {
            textDocumentSync = new { openClose = true, change = LspConstants.TextDocumentSyncFull },
            definitionProvider = true,
            referencesProvider = true,
            hoverProvider = true,
            completionProvider = new { triggerCharacters = Array.Empty<string>() },
        }, LspConstants.Json);
        // The checking worker starts once, whatever a client sends twice.
        if (Interlocked.Exchange(ref _workerStarted, 1) == 0) _ = Task.Run(WorkAsync);
        return new InitializeResult(capabilities, new ServerInfo(ToolInfo.Name, ToolInfo.Version));
    }

    [JsonRpcMethod("initialized", UseSingleObjectParameterDeserialization = true)]
    public void Initialized(JsonElement parameters)
    {
    }

    [JsonRpcMethod("shutdown")]
    public object? Shutdown()
    {
        _shutdown = true;
        return null;
    }

    [JsonRpcMethod("exit")]
    public void Exit() => _exit.TrySetResult(_shutdown ? 0 : 1);

    // ── documents ──

    [JsonRpcMethod("textDocument/didOpen", UseSingleObjectParameterDeserialization = true)]
    public void DidOpen(DidOpenTextDocumentParams parameters)
    {
        var item = parameters.TextDocument;
        lock (_lock) _documents[item.Uri] = new OpenDocument(item.Uri, DocumentPositions.PathOf(item.Uri), item.Version, item.Text ?? "");
        Schedule(item.Uri);
    }

    [JsonRpcMethod("textDocument/didChange", UseSingleObjectParameterDeserialization = true)]
    public void DidChange(DidChangeTextDocumentParams parameters)
    {
        string uri = parameters.TextDocument.Uri;
        lock (_lock)
        {
            if (!_documents.TryGetValue(uri, out var document)) return;
            string text = document.Text;
            foreach (var change in parameters.ContentChanges ?? [])
            {
                text = change.Range is { } range ? Splice(text, range, change.Text ?? "") : change.Text ?? "";
            }
            _documents[uri] = document with { Version = parameters.TextDocument.Version ?? document.Version + 1, Text = text };
        }
        Schedule(uri);
    }

    [JsonRpcMethod("textDocument/didClose", UseSingleObjectParameterDeserialization = true)]
    public void DidClose(DidCloseTextDocumentParams parameters)
    {
        string uri = parameters.TextDocument.Uri;
        OpenDocument? closed;
        lock (_lock)
        {
            if (!_documents.Remove(uri, out closed)) return;
            _pending.Remove(uri);
        }
        // An editor clears nothing itself: the closed file's own findings go, and those its check put on included files.
        Publish(uri, null, []);
        foreach (string other in TakePublishedFor(uri)) ClearUnlessOpen(other);
        ScheduleDependents(closed.Path);
    }

    // ── questions ──

    [JsonRpcMethod("textDocument/definition", UseSingleObjectParameterDeserialization = true)]
    public Location[] Definition(TextDocumentPositionParams parameters) =>
        At(parameters.TextDocument.Uri, parameters.Position, (document, offset) => document.Definition(offset).Select(LocationOf).OfType<Location>().ToArray()) ?? [];

    [JsonRpcMethod("textDocument/references", UseSingleObjectParameterDeserialization = true)]
    public Location[] References(ReferenceParams parameters) =>
        At(parameters.TextDocument.Uri, parameters.Position, (document, offset) =>
            document.References(offset, parameters.Context?.IncludeDeclaration ?? true).Select(LocationOf).OfType<Location>().ToArray()) ?? [];

    [JsonRpcMethod("textDocument/hover", UseSingleObjectParameterDeserialization = true)]
    public Hover? Hover(TextDocumentPositionParams parameters) =>
        At(parameters.TextDocument.Uri, parameters.Position, (document, offset) =>
            document.Hover(offset) is { } answer ? new Hover(new MarkupContent("markdown", answer.Markdown), DocumentPositions.ToRange(answer.Span)) : null);

    [JsonRpcMethod("textDocument/completion", UseSingleObjectParameterDeserialization = true)]
    public CompletionList Completion(TextDocumentPositionParams parameters) =>
        At(parameters.TextDocument.Uri, parameters.Position, (document, offset) =>
            new CompletionList(false, document.Completion(offset).Select(p => new CompletionItem(p.Label, CompletionKind(p.Kind), p.Kind)).ToArray()))
        ?? new CompletionList(false, []);

    private T? At<T>(string uri, Position position, Func<PolicyDocument, int, T?> answer)
        where T : class
    {
        RefuseAfterShutdown();
        if (Current(uri) is not { } document) return null;
        var file = new SourceFile(document.Path, document.Text);
        return answer(document, DocumentPositions.ToOffset(file, position));
    }

    /// <summary>The document's analysis for its newest text: the worker's, or made now when the worker has not caught up.</summary>
    private PolicyDocument? Current(string uri)
    {
        OpenDocument? document;
        lock (_lock)
        {
            if (!_documents.TryGetValue(uri, out document)) return null;
            if (document.Analysis is { } analysis && analysis.Text == document.Text) return analysis;
        }
        return Analyze(document);
    }

    private void RefuseAfterShutdown()
    {
        if (_shutdown) throw new LocalRpcException("the server is shutting down") { ErrorCode = LspConstants.InvalidRequest };
    }

    // ── checking ──

    private void Schedule(string uri)
    {
        lock (_lock)
        {
            if (!_pending.Add(uri)) return;
        }
        _work.Release();
    }

    /// <summary>Open documents whose last check read <paramref name="path"/> (they include it) are checked again.</summary>
    private void ScheduleDependents(string path)
    {
        List<string> dependents;
        lock (_lock)
        {
            dependents = _documents.Values
                .Where(d => d.Path != path && d.Analysis is { } a && a.Check.Files.Any(f => FullPath(f.Path) == path))
                .Select(d => d.Uri)
                .ToList();
        }
        foreach (string uri in dependents) Schedule(uri);
    }

    private async Task WorkAsync()
    {
        while (!_exit.Task.IsCompleted)
        {
            await _work.WaitAsync();
            string? uri;
            OpenDocument? document;
            lock (_lock)
            {
                uri = _pending.FirstOrDefault();
                if (uri is null) continue;
                _pending.Remove(uri);
                if (!_documents.TryGetValue(uri, out document)) continue;
            }
            try
            {
                var analysis = Analyze(document);
                bool current;
                lock (_lock)
                {
                    current = _documents.TryGetValue(uri, out var now) && now.Text == document.Text;
                    if (current) now!.Analysis = analysis;
                }
                if (!current) continue; // a newer text is pending; its check publishes
                PublishDiagnostics(document, analysis);
                ScheduleDependents(document.Path);
            }
            catch (Exception e)
            {
                // A bug in the compiler must not take the editor's server down with it.
                log.WriteLine($"mpolc lsp: internal error while checking {uri}: {e}");
            }
        }
    }

    private PolicyDocument Analyze(OpenDocument document)
    {
        Dictionary<string, string> open;
        lock (_lock) open = _documents.Values.ToDictionary(d => d.Path, d => d.Text, StringComparer.Ordinal);
        open[document.Path] = document.Text;
        return PolicyDocument.Analyze(document.Path, document.Text, new OpenDocumentsReader(open), options);
    }

    private void PublishDiagnostics(OpenDocument document, PolicyDocument analysis)
    {
        var byFile = analysis.Check.Diagnostics
            .Where(d => !d.IsSuppressed && !d.Span.File.Path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal))
            .GroupBy(d => FullPath(d.Span.File.Path))
            .ToDictionary(g => g.Key, g => g.Select(ToLsp).ToArray());
        Publish(document.Uri, document.Version, byFile.GetValueOrDefault(document.Path) ?? []);
        HashSet<string> openPaths;
        lock (_lock) openPaths = _documents.Values.Select(d => d.Path).ToHashSet(StringComparer.Ordinal);
        // Findings in included files that are not open go to those files (an open one is checked, and published, as itself).
        var others = byFile.Keys.Where(p => p != document.Path && !openPaths.Contains(p)).Select(DocumentPositions.UriOf).ToHashSet(StringComparer.Ordinal);
        foreach (string gone in TakePublishedFor(document.Uri).Except(others)) ClearUnlessOpen(gone);
        foreach (var (path, diagnostics) in byFile)
        {
            if (path != document.Path && !openPaths.Contains(path)) Publish(DocumentPositions.UriOf(path), null, diagnostics);
        }
        lock (_lock) _publishedFor[document.Uri] = others;
    }

    /// <summary>Clears what a check put on an included file, unless that file is open now (its own check owns its diagnostics then).</summary>
    private void ClearUnlessOpen(string uri)
    {
        string path = DocumentPositions.PathOf(uri);
        lock (_lock)
        {
            if (_documents.Values.Any(d => d.Path == path)) return;
        }
        Publish(uri, null, []);
    }

    private IEnumerable<string> TakePublishedFor(string uri)
    {
        lock (_lock) return _publishedFor.Remove(uri, out var files) ? files : [];
    }

    private void Publish(string uri, int? version, LspDiagnostic[] diagnostics)
    {
        if (Rpc is not { } rpc) return;
        _ = rpc.NotifyWithParameterObjectAsync("textDocument/publishDiagnostics", new PublishDiagnosticsParams(uri, version, diagnostics));
    }

    private static LspDiagnostic ToLsp(Diagnostic diagnostic)
    {
        int severity = diagnostic.Severity switch
        {
            DiagnosticSeverity.Error => LspConstants.SeverityError,
            DiagnosticSeverity.Warning => LspConstants.SeverityWarning,
            _ => LspConstants.SeverityInformation,
        };
        string message = diagnostic.Hint is { } hint ? $"{diagnostic.Message}\nhint: {hint}" : diagnostic.Message;
        var related = diagnostic.Related
            .Where(r => !r.Span.File.Path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal))
            .Select(r => new DiagnosticRelatedInformation(new Location(DocumentPositions.UriOf(r.Span.File.Path), DocumentPositions.ToRange(r.Span)), r.Message))
            .ToArray();
        return new LspDiagnostic(DocumentPositions.ToRange(diagnostic.Span), severity, diagnostic.Code, ToolInfo.Name, message, related.Length > 0 ? related : null);
    }

    // ── helpers ──

    private Location? LocationOf(SourceSpan span)
    {
        // The shipped std/ library has no file to open.
        if (span.File.Path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal)) return null;
        string path = FullPath(span.File.Path);
        string? uri;
        lock (_lock) uri = _documents.Values.FirstOrDefault(d => d.Path == path)?.Uri;
        return new Location(uri ?? DocumentPositions.UriOf(path), DocumentPositions.ToRange(span));
    }

    private static string FullPath(string path) =>
        path.StartsWith(DiskPolicyFileReader.StdPrefix, StringComparison.Ordinal) ? path : Path.GetFullPath(path);

    private static string Splice(string text, Range range, string replacement)
    {
        var file = new SourceFile("", text);
        int start = DocumentPositions.ToOffset(file, range.Start);
        int end = Math.Max(start, DocumentPositions.ToOffset(file, range.End));
        return string.Concat(text.AsSpan(0, start), replacement, text.AsSpan(end));
    }

    private static int CompletionKind(string kind) => kind switch
    {
        "keyword" => LspConstants.KindKeyword,
        "filter" => LspConstants.KindFunction,
        "class" => LspConstants.KindClass,
        "profile" => LspConstants.KindModule,
        "device" => LspConstants.KindStruct,
        "keychain" => LspConstants.KindProperty,
        _ => LspConstants.KindVariable,
    };
}
