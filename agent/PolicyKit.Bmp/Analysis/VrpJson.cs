using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Analysis;

/// <summary>A VRP file that cannot be used, with where: "FILE:LINE:COL: what" (the message never quotes more than a few bytes of the input).</summary>
public sealed class VrpFormatException(string source, long line, long column, string problem)
    : Exception($"{source}:{line.ToString(CultureInfo.InvariantCulture)}:{column.ToString(CultureInfo.InvariantCulture)}: {problem}")
{
    public string File { get; } = source;

    public long Line { get; } = line;

    public long Column { get; } = column;

    public string Problem { get; } = problem;
}

/// <summary>
/// Reads the VRP JSON that RPKI validators export — stayrtr/gortr and rpki-client
/// (<c>{"metadata":{…},"roas":[{"prefix":"203.0.113.0/24","maxLength":24,"asn":"AS64500"},…]}</c>),
/// Routinator's <c>jsonext</c> alike — into an <see cref="OriginTable"/>. The same format gives
/// the station its expected origins per prefix (IRR route objects: prefix, maximum length, origin).
///
/// <para>Streamed through a 64 KB window (a full export of ~750k VRPs is ~50 MB of JSON, never
/// held whole). <c>asn</c> is "AS64500", "as64500" or a number 0..4294967295; <c>maxLength</c> may be
/// omitted (the prefix's own length, RFC 6482) and must lie between the prefix length and 32 or 128;
/// the prefix must have its host bits cleared. Other members (<c>ta</c>, <c>expires</c>, <c>metadata</c>,
/// rpki-client's <c>aspas</c>…) are skipped. Anything else — not JSON, a wrong type, a value out of
/// range, no <c>roas</c> array, more than <see cref="MaxEntries"/> entries, nesting deeper than 64 —
/// is a <see cref="VrpFormatException"/> naming the line and column.</para>
/// </summary>
public static class VrpJson
{
    public const int MaxEntries = 10_000_000;

    /// <summary>A single JSON token longer than this is not a VRP file.</summary>
    public const int MaxTokenBytes = 1 << 20;

    /// <summary>Files larger than this are refused before reading (a full export is ~50 MB).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Loads a VRP file; false with "FILE:LINE:COL: problem" (or "FILE: problem") when it cannot be used.</summary>
    public static bool TryLoad(string path, out OriginTable? table, out string error)
    {
        table = null;
        if (!PolicyKit.Tables.Files.BoundedFile.TryOpen(path, out var stream, out error))
        {
            error = $"{path}: cannot read: {error}";
            return false;
        }
        using (stream)
        {
            try
            {
                if (stream!.Length > MaxFileBytes)
                {
                    error = $"{path}: larger than {PolicyKit.Tables.Files.BoundedFile.Size(MaxFileBytes)}";
                    return false;
                }
                table = Read(stream, path);
                return true;
            }
            catch (VrpFormatException e)
            {
                error = e.Message;
            }
            catch (IOException e)
            {
                error = $"{path}: cannot read: {e.Message}";
            }
        }
        return false;
    }

    /// <summary>Reads a VRP document from <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static OriginTable Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(source);
        var parser = new Parser(source);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow });
            int length = 0;
            bool final = false;
            while (true)
            {
                while (!final && length < buffer.Length)
                {
                    int read = stream.Read(buffer, length, buffer.Length - length);
                    if (read == 0) final = true;
                    length += read;
                }
                var reader = new Utf8JsonReader(buffer.AsSpan(0, length), final, state);
                parser.Window = buffer.AsMemory(0, length);
                try
                {
                    while (reader.Read()) parser.Token(ref reader);
                }
                catch (JsonException e)
                {
                    throw new VrpFormatException(source, (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1, "not valid JSON: " + Reason(e));
                }
                int consumed = (int)reader.BytesConsumed;
                parser.Discard(buffer.AsSpan(0, consumed));
                parser.Window = default;
                if (final) break;
                state = reader.CurrentState;
                int left = length - consumed;
                if (consumed == 0 && left == buffer.Length)
                {
                    // One token fills the window: grow it, to a bound.
                    if (buffer.Length >= MaxTokenBytes) throw parser.Error(0, $"a JSON token longer than {MaxTokenBytes / 1024} KB");
                    byte[] bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                    continue;
                }
                buffer.AsSpan(consumed, left).CopyTo(buffer);
                length = left;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return parser.Finish();
    }

    /// <summary>The reader's message without its own position (the exception's message carries ours).</summary>
    private static string Reason(JsonException e)
    {
        string text = e.Message;
        int cut = text.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut > 0 ? text[..cut] : text).TrimEnd('.', ' ');
    }

    private enum Where : byte
    {
        Start,
        Root,
        RootValue,
        Roas,
        Entry,
        EntryValue,
        Skip,
        Done,
    }

    /// <summary>Token by token (the input may stop anywhere: nothing here looks ahead).</summary>
    private sealed class Parser(string source)
    {
        private readonly OriginTable.FamilyBuilder _v4 = new(32);
        private readonly OriginTable.FamilyBuilder _v6 = new(128);
        private Where _where = Where.Start;
        private Where _afterSkip;
        private int _skipDepth;
        private bool _sawRoas;
        private int _entries;

        // The entry being read.
        private string _field = string.Empty;
        private RoutePrefix _prefix;
        private bool _hasPrefix;
        private int _maxLength;
        private bool _hasAs;
        private uint _as;
        private long _entryLine;
        private long _entryColumn;

        // Line and column of our own errors: newlines are counted once, as the reader moves on
        // (_line and _lineStart hold at the absolute offset _scanned; the window starts at _offset).
        private long _line = 1;
        private long _lineStart;
        private long _scanned;
        private long _offset;

        /// <summary>The bytes the reader is reading now (set before each pass).</summary>
        public ReadOnlyMemory<byte> Window { get; set; }

        /// <summary>The reader consumed these bytes of the window: the next window starts after them.</summary>
        public void Discard(ReadOnlySpan<byte> consumed)
        {
            Advance(_offset + consumed.Length);
            _offset += consumed.Length;
        }

        /// <summary>Counts the newlines between what was scanned and <paramref name="target"/> (offsets only grow).</summary>
        private void Advance(long target)
        {
            var span = Window.Span;
            int from = (int)(_scanned - _offset), to = (int)Math.Min(target - _offset, span.Length);
            if (to <= from) return;
            var part = span[from..to];
            int count = part.Count((byte)'\n');
            if (count > 0)
            {
                _line += count;
                _lineStart = _offset + from + part.LastIndexOf((byte)'\n') + 1;
            }
            _scanned = _offset + to;
        }

        public VrpFormatException Error(long tokenStart, string problem) => Error(Position(tokenStart), problem);

        private VrpFormatException Error((long Line, long Column) at, string problem) => new(source, at.Line, at.Column, problem);

        private (long Line, long Column) Position(long tokenStart)
        {
            Advance(_offset + tokenStart);
            return (_line, _offset + tokenStart - _lineStart + 1);
        }

        public void Token(ref Utf8JsonReader reader)
        {
            var type = reader.TokenType;
            int depth = reader.CurrentDepth;
            switch (_where)
            {
                case Where.Start:
                    if (type != JsonTokenType.StartObject) throw Error(ref reader, "expected a JSON object with a \"roas\" array (the VRP export of stayrtr or rpki-client)");
                    _where = Where.Root;
                    break;
                case Where.Root:
                    if (type == JsonTokenType.EndObject)
                    {
                        _where = Where.Done;
                        break;
                    }
                    _where = reader.ValueTextEquals("roas"u8) ? Where.RootValue : Where.Skip;
                    if (_where == Where.Skip)
                    {
                        _afterSkip = Where.Root;
                        _skipDepth = 1;
                    }
                    else if (_sawRoas) throw Error(ref reader, "\"roas\" given twice");
                    break;
                case Where.RootValue:
                    if (type != JsonTokenType.StartArray) throw Error(ref reader, $"\"roas\" must be an array, not {Name(type)}");
                    _sawRoas = true;
                    _where = Where.Roas;
                    break;
                case Where.Roas:
                    if (type == JsonTokenType.EndArray)
                    {
                        _where = Where.Root;
                        break;
                    }
                    if (type != JsonTokenType.StartObject) throw Error(ref reader, $"roas[{_entries}] must be an object, not {Name(type)}");
                    (_entryLine, _entryColumn) = Position(reader.TokenStartIndex);
                    _hasPrefix = _hasAs = false;
                    _maxLength = -1;
                    _where = Where.Entry;
                    break;
                case Where.Entry:
                    if (type == JsonTokenType.EndObject)
                    {
                        AddEntry();
                        _where = Where.Roas;
                        break;
                    }
                    _field = reader.ValueTextEquals("prefix"u8) ? "prefix" : reader.ValueTextEquals("maxLength"u8) ? "maxLength" : reader.ValueTextEquals("asn"u8) ? "asn" : string.Empty;
                    if (_field.Length == 0)
                    {
                        _where = Where.Skip;
                        _afterSkip = Where.Entry;
                        _skipDepth = 3;
                    }
                    else _where = Where.EntryValue;
                    break;
                case Where.EntryValue:
                    Field(ref reader);
                    _where = Where.Entry;
                    break;
                case Where.Skip:
                    // The value of an ignored member: a scalar, or everything up to the end of its object or array.
                    if ((type is JsonTokenType.StartObject or JsonTokenType.StartArray) || depth > _skipDepth) break;
                    _where = _afterSkip;
                    break;
                case Where.Done:
                    throw Error(ref reader, "content after the end of the document");
            }
        }

        private VrpFormatException Error(ref Utf8JsonReader reader, string problem) => Error(Position(reader.TokenStartIndex), problem);

        /// <summary>The member being read, as errors name it ("roas[12].asn"): built only for an error.</summary>
        private string At => $"roas[{_entries}].{_field}";

        private void Field(ref Utf8JsonReader reader)
        {
            switch (_field)
            {
                case "prefix":
                    if (_hasPrefix) throw Error(ref reader, At + " given twice");
                    if (reader.TokenType != JsonTokenType.String) throw Error(ref reader, $"{At} must be a string such as \"192.0.2.0/24\", not {Name(reader.TokenType)}");
                    if (!TryParsePrefix(reader.ValueSpan, out _prefix, out string problem)) throw Error(ref reader, $"{At}: {problem}");
                    _hasPrefix = true;
                    break;
                case "maxLength":
                    if (_maxLength >= 0) throw Error(ref reader, At + " given twice");
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int max) || max is < 0 or > 128)
                        throw Error(ref reader, $"{At} must be a prefix length 0..128, not {Shown(ref reader)}");
                    _maxLength = max;
                    break;
                case "asn":
                    if (_hasAs) throw Error(ref reader, At + " given twice");
                    if (!TryParseAs(ref reader, out _as)) throw Error(ref reader, $"{At} must be an AS number such as \"AS64500\" or 64500 (0..4294967295), not {Shown(ref reader)}");
                    _hasAs = true;
                    break;
            }
        }

        private void AddEntry()
        {
            var at = (_entryLine, _entryColumn);
            if (!_hasPrefix) throw Error(at, $"roas[{_entries}] has no \"prefix\"");
            if (!_hasAs) throw Error(at, $"roas[{_entries}] has no \"asn\"");
            int width = _prefix.Family.IsIpv6() ? 128 : 32;
            int max = _maxLength < 0 ? _prefix.Length : _maxLength;
            if (max < _prefix.Length || max > width)
                throw Error(at, $"roas[{_entries}].maxLength {max} must lie between the prefix length {_prefix.Length} and {width}");
            if (_entries >= MaxEntries) throw Error(at, $"more than {MaxEntries} entries");
            (width == 128 ? _v6 : _v4).Add(_prefix.Bits, _prefix.Length, (byte)max, _as);
            _entries++;
        }

        public OriginTable Finish()
        {
            if (!_sawRoas) throw Error((_line, 1), "no \"roas\" array (expected the VRP export of stayrtr or rpki-client: {\"roas\":[{\"prefix\":…,\"maxLength\":…,\"asn\":…}]})");
            return OriginTable.Build(_v4, _v6);
        }
    }

    /// <summary>"192.0.2.0/24" or "2001:db8::/32", host bits cleared; the problem otherwise.</summary>
    internal static bool TryParsePrefix(ReadOnlySpan<byte> text, out RoutePrefix prefix, out string problem)
    {
        prefix = default;
        problem = string.Empty;
        int slash = text.IndexOf((byte)'/');
        if (slash <= 0 || text.Length > 64 || text.IndexOf((byte)'%') >= 0 ||
            !IPAddress.TryParse(text[..slash], out var address) ||
            !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int length))
        {
            problem = $"\"{Shown(text)}\" is not a prefix such as 192.0.2.0/24 or 2001:db8::/32";
            return false;
        }
        bool v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        int width = v6 ? 128 : 32;
        if (length > width)
        {
            problem = $"\"{Shown(text)}\": /{length} is longer than an IPv{(v6 ? 6 : 4)} address";
            return false;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        UInt128 bits = v6 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
        _ = written;
        var family = v6 ? RouteFamily.Ipv6Unicast : RouteFamily.Ipv4Unicast;
        if (RoutePrefix.Mask(bits, length, v6) != bits)
        {
            problem = $"\"{Shown(text)}\" has host bits set beyond /{length}";
            return false;
        }
        prefix = new RoutePrefix(family, bits, (byte)length, 0);
        return true;
    }

    private static bool TryParseAs(ref Utf8JsonReader reader, out uint asNumber)
    {
        asNumber = 0;
        if (reader.TokenType == JsonTokenType.Number) return reader.TryGetUInt32(out asNumber);
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped) return false;
        var text = reader.ValueSpan;
        if (text.Length > 2 && (text[0] | 0x20) == 'a' && (text[1] | 0x20) == 's') text = text[2..];
        return text.Length is > 0 and <= 10 && text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 &&
            uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out asNumber);
    }

    private static string Name(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString(),
    };

    private static string Shown(ref Utf8JsonReader reader) =>
        reader.TokenType is JsonTokenType.String or JsonTokenType.Number ? (reader.TokenType == JsonTokenType.String ? $"\"{Shown(reader.ValueSpan)}\"" : Shown(reader.ValueSpan)) : Name(reader.TokenType);

    /// <summary>At most 40 bytes of input, printable ASCII only (input is hostile: it never reaches a log raw).</summary>
    private static string Shown(ReadOnlySpan<byte> text)
    {
        var sb = new StringBuilder();
        foreach (byte b in text[..Math.Min(text.Length, 40)]) sb.Append(b is >= 0x20 and < 0x7f and not (byte)'"' ? (char)b : '?');
        if (text.Length > 40) sb.Append('…');
        return sb.ToString();
    }
}
