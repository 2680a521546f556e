using System.Diagnostics.CodeAnalysis;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace PolicyKit.Mpolc.Lsp;

/// <summary>
/// LSP's base protocol (<c>Content-Length: N\r\n\r\n</c> then N bytes of JSON) for StreamJsonRpc,
/// read defensively: the editor on the other end is input like any other. A header section or a
/// body beyond its bound is refused without being buffered; a body that is not JSON gets a
/// Parse error (-32700), one that is JSON but not a JSON-RPC message an Invalid Request
/// (-32600), both with a null id as JSON-RPC 2.0 says; and the reader finds the next frame by
/// its <c>Content-Length</c> header. None of it stops the server.
/// </summary>
[RequiresUnreferencedCode(LspCommand.NotTrimSafe)]
[RequiresDynamicCode(LspCommand.NotTrimSafe)]
internal sealed class LspMessageHandler(Stream input, Stream output, SystemTextJsonFormatter formatter, TextWriter log) : IJsonRpcMessageHandler
{
    /// <summary>A header line longer than this is garbage (real ones are a few dozen bytes).</summary>
    public const int MaxHeaderLineBytes = 4 * 1024;

    /// <summary>
    /// The largest message read: a document at the compiler's own file limit (64 MB), JSON-escaped.
    /// A larger Content-Length is refused before anything is allocated for it.
    /// </summary>
    public const long MaxContentBytes = 160L * 1024 * 1024;

    private const string ContentLength = "Content-Length:";

    private readonly BufferedStream _input = new(input, 64 * 1024);
    private readonly SemaphoreSlim _writing = new(1, 1);

    public bool CanRead => true;

    public bool CanWrite => true;

    public IJsonRpcMessageFormatter Formatter => formatter;

    public async ValueTask<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            long? length = await ReadHeadersAsync(cancellationToken);
            if (length is null) return null; // end of input
            if (length < 0)
            {
                log.WriteLine("mpolc lsp: a message without a valid Content-Length header was ignored");
                continue;
            }
            if (length > MaxContentBytes)
            {
                log.WriteLine($"mpolc lsp: a message of {length} bytes was refused (the limit is {MaxContentBytes})");
                await WriteErrorAsync(LspConstants.InvalidRequest, $"message of {length} bytes refused: the limit is {MaxContentBytes} bytes", cancellationToken);
                continue;
            }
            var body = new byte[length.Value];
            int read = await _input.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken);
            if (read < body.Length) return null; // the input ended inside a message
            if (Deserialize(body, out string? problem, out int code) is { } message) return message;
            log.WriteLine($"mpolc lsp: {problem}");
            await WriteErrorAsync(code, problem!, cancellationToken);
        }
    }

    public async ValueTask WriteAsync(JsonRpcMessage content, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>();
        formatter.Serialize(body, content);
        await WriteFrameAsync(body.WrittenMemory, cancellationToken);
    }

    private JsonRpcMessage? Deserialize(byte[] body, out string? problem, out int code)
    {
        problem = null;
        code = 0;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("jsonrpc", out _))
            {
                (problem, code) = ("a message that is not a JSON-RPC 2.0 object was refused", LspConstants.InvalidRequest);
                return null;
            }
        }
        catch (JsonException e)
        {
            // Where, not what: the text around a mistake may be a document's, secrets and all.
            (problem, code) = ($"a message that is not JSON was refused (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})", LspConstants.ParseError);
            return null;
        }
        try
        {
            return formatter.Deserialize(new ReadOnlySequence<byte>(body));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The formatter is a library's: whatever it throws on a hostile message, the message is refused and the server goes on.
            (problem, code) = ($"a message that is not a valid JSON-RPC message was refused ({e.GetType().Name})", LspConstants.InvalidRequest);
            return null;
        }
    }

    /// <summary>
    /// Reads one header section. Returns null at the end of the input, -1 when the section had
    /// no usable Content-Length, else the length. A line holding "Content-Length:" after some
    /// garbage is read from there, so a stray byte sequence costs only itself.
    /// </summary>
    private async ValueTask<long?> ReadHeadersAsync(CancellationToken cancellationToken)
    {
        long length = -1;
        bool any = false;
        while (true)
        {
            string? line = await ReadLineAsync(cancellationToken);
            if (line is null) return null;
            if (line.Length == 0)
            {
                if (any) return length;
                continue; // blank lines between messages
            }
            any = true;
            int at = line.IndexOf(ContentLength, StringComparison.OrdinalIgnoreCase);
            if (at < 0) continue; // Content-Type or garbage
            string value = line[(at + ContentLength.Length)..].Trim();
            length = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : -1;
        }
    }

    /// <summary>One line ended by CRLF (or LF), as ASCII; an over-long line keeps only its tail.</summary>
    private async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>(64);
        var one = new byte[1];
        while (true)
        {
            int read = await _input.ReadAsync(one, cancellationToken);
            if (read == 0) return line.Count == 0 ? null : Encoding.ASCII.GetString([.. line]);
            byte b = one[0];
            if (b == '\n')
            {
                if (line.Count > 0 && line[^1] == '\r') line.RemoveAt(line.Count - 1);
                return Encoding.ASCII.GetString([.. line]);
            }
            line.Add(b);
            // Keep the tail: a header that follows garbage on the same line is still found.
            if (line.Count > MaxHeaderLineBytes) line.RemoveRange(0, line.Count - 64);
        }
    }

    private async ValueTask WriteErrorAsync(int code, string message, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { jsonrpc = "2.0", id = (object?)null, error = new { code, message } });
        await WriteFrameAsync(body, cancellationToken);
    }

    private async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        byte[] header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await output.WriteAsync(header, cancellationToken);
            await output.WriteAsync(body, cancellationToken);
            await output.FlushAsync(cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }
}
