using System.Text.Json;
using System.Text.Json.Serialization;

namespace PolicyKit.Mpolc.Lsp;

// The parts of the Language Server Protocol 3.17 that mpolc lsp speaks, as plain data
// (System.Text.Json, camelCase; unknown properties are ignored, absent ones are null).

internal sealed record Position(int Line, int Character);

internal sealed record Range(Position Start, Position End);

internal sealed record Location(string Uri, Range Range);

internal sealed record TextDocumentIdentifier(string Uri);

internal sealed record TextDocumentItem(string Uri, string? LanguageId, int Version, string Text);

internal sealed record VersionedTextDocumentIdentifier(string Uri, int? Version);

internal sealed record DidOpenTextDocumentParams(TextDocumentItem TextDocument);

internal sealed record TextDocumentContentChangeEvent(Range? Range, string Text);

internal sealed record DidChangeTextDocumentParams(VersionedTextDocumentIdentifier TextDocument, TextDocumentContentChangeEvent[] ContentChanges);

internal sealed record DidCloseTextDocumentParams(TextDocumentIdentifier TextDocument);

internal sealed record TextDocumentPositionParams(TextDocumentIdentifier TextDocument, Position Position);

internal sealed record ReferenceContext(bool IncludeDeclaration);

internal sealed record ReferenceParams(TextDocumentIdentifier TextDocument, Position Position, ReferenceContext? Context);

internal sealed record DiagnosticRelatedInformation(Location Location, string Message);

internal sealed record LspDiagnostic(Range Range, int Severity, string Code, string Source, string Message, DiagnosticRelatedInformation[]? RelatedInformation);

internal sealed record PublishDiagnosticsParams(string Uri, int? Version, LspDiagnostic[] Diagnostics);

internal sealed record MarkupContent(string Kind, string Value);

internal sealed record Hover(MarkupContent Contents, Range Range);

internal sealed record CompletionItem(string Label, int Kind, string Detail);

internal sealed record CompletionList(bool IsIncomplete, CompletionItem[] Items);

internal sealed record ServerInfo(string Name, string Version);

internal sealed record InitializeResult(JsonElement Capabilities, ServerInfo ServerInfo);

/// <summary>Numbers the protocol fixes.</summary>
internal static class LspConstants
{
    public const int SeverityError = 1;
    public const int SeverityWarning = 2;
    public const int SeverityInformation = 3;

    public const int TextDocumentSyncFull = 1;

    // CompletionItemKind
    public const int KindModule = 9;
    public const int KindClass = 7;
    public const int KindFunction = 3;
    public const int KindVariable = 6;
    public const int KindStruct = 22;
    public const int KindProperty = 10;
    public const int KindKeyword = 14;

    // JSON-RPC error codes
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
