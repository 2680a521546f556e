using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace PolicyKit.Telemetry;

/// <summary>
/// The on-disk half of the <see cref="TelemetryOutbox"/>: every accepted message is appended to a
/// segment file before Enqueue returns, so a restart — or a crash, or SIGKILL — of the agent loses
/// none of them; the sequence of the oldest message not yet acknowledged (the head) is written to
/// a small file as it moves. A new journal over the same folder recovers the messages from the
/// head on. Writes reach the operating system at once (a process crash loses nothing) and stable
/// storage at <see cref="Sync"/> (the publisher calls it every second and on stop), so a power
/// loss can lose at most the last second. After a crash the head may be a little behind: the
/// messages between are sent again (QoS 1 is at-least-once; events carry a sequence to dedupe).
/// </summary>
/// <remarks>
/// Folder layout: <c>head</c> (8-byte head sequence + CRC-32) and segments
/// <c>SEQUENCE.seg</c> named by their first message's sequence, each a run of records
/// <c>[u32 body length][u32 CRC-32 of body][body: i64 sequence, u8 flags (1 = retain), u16 topic
/// length, topic UTF-8, payload]</c>. A segment whose last message is below the head is deleted.
/// A damaged record (a torn write at a crash, a flipped bit) ends recovery of its segment there,
/// and the file is cut back to the last good record; what follows in later segments is kept.
/// </remarks>
public sealed class OutboxJournal : IDisposable
{
    private const string HeadFile = "head";
    private const string SegmentSuffix = ".seg";
    private const int RecordHeader = 8;
    private const int BodyHeader = 8 + 1 + 2;

    /// <summary>A segment is closed and a new one started past this size.</summary>
    public const long SegmentBytes = 8 * 1024 * 1024;

    /// <summary>The largest record accepted on recovery (a larger length is damage).</summary>
    private const int MaxRecordBytes = 64 * 1024 * 1024;

    private readonly string _folder;
    private readonly FileStream _headFile;
    private readonly List<(long First, string Path)> _segments = [];
    private FileStream? _currentFile;
    private long _currentLength;
    private long _lastSequence;
    private long _persistedHead = -1;
    private bool _dirty;
    private byte[] _buffer = new byte[4096];

    private OutboxJournal(string folder)
    {
        _folder = folder;
        _headFile = OpenPrivate(Path.Combine(folder, HeadFile), FileMode.OpenOrCreate);
    }

    /// <summary>The messages not yet acknowledged when the journal was opened, oldest first.</summary>
    public IReadOnlyList<OutboxEntry> Recovered { get; private set; } = [];

    /// <summary>The sequence the next appended message gets (one above the last on disk).</summary>
    public long NextSequence => _lastSequence + 1;

    /// <summary>Records found damaged on recovery (and cut off).</summary>
    public int DamagedRecords { get; private set; }

    public string Folder => _folder;

    /// <summary>
    /// Opens (creating it, mode 0700) the journal in <paramref name="folder"/> and recovers what it holds.
    /// Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when the folder cannot be used.
    /// </summary>
    public static OutboxJournal Open(string folder)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var journal = new OutboxJournal(folder);
        try
        {
            journal.Recover();
        }
        catch
        {
            journal.Dispose();
            throw;
        }
        return journal;
    }

    /// <summary>Appends one message with <paramref name="sequence"/> (one above the previous).</summary>
    public void Append(long sequence, TelemetryMessage message)
    {
        int topicBytes = Encoding.UTF8.GetByteCount(message.Topic);
        int body = BodyHeader + topicBytes + message.Payload.Length;
        int total = RecordHeader + body;
        if (_buffer.Length < total) _buffer = new byte[Math.Max(total, _buffer.Length * 2)];
        var span = _buffer.AsSpan(0, total);
        var b = span[RecordHeader..];
        BinaryPrimitives.WriteInt64LittleEndian(b, sequence);
        b[8] = message.Retain ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(b[9..], (ushort)topicBytes);
        Encoding.UTF8.GetBytes(message.Topic, b[BodyHeader..]);
        message.Payload.Span.CopyTo(b[(BodyHeader + topicBytes)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)body);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32.HashToUInt32(b));

        if (CurrentHandle is null || _currentLength >= SegmentBytes) StartSegment(sequence);
        RandomAccess.Write(CurrentHandle!, span, _currentLength);
        _currentLength += total;
        _lastSequence = sequence;
        _dirty = true;
    }

    /// <summary>
    /// The oldest message not yet acknowledged is now <paramref name="head"/>: segments wholly
    /// below it go. The head file itself is written at <see cref="Sync"/> or when a segment goes.
    /// </summary>
    public void HeadMoved(long head)
    {
        while (_segments.Count > 1 && _segments[1].First <= head)
        {
            WriteHead(head);
            File.Delete(_segments[0].Path);
            _segments.RemoveAt(0);
        }
    }

    /// <summary>Writes the head and flushes the current segment to stable storage.</summary>
    public void Sync(long head)
    {
        if (!_dirty && _persistedHead == head) return;
        if (CurrentHandle is not null) RandomAccess.FlushToDisk(CurrentHandle);
        WriteHead(head);
        RandomAccess.FlushToDisk(HeadHandle);
        _dirty = false;
    }

    public void Dispose()
    {
        _currentFile?.Dispose();
        _headFile.Dispose();
    }

    private void WriteHead(long head)
    {
        if (head == _persistedHead) return;
        Span<byte> bytes = stackalloc byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, head);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], Crc32.HashToUInt32(bytes[..8]));
        RandomAccess.Write(HeadHandle, bytes, 0);
        _persistedHead = head;
    }

    private void StartSegment(long first)
    {
        if (CurrentHandle is not null)
        {
            RandomAccess.FlushToDisk(CurrentHandle);
            _currentFile!.Dispose();
        }
        string path = Path.Combine(_folder, first.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + SegmentSuffix);
        _currentFile = OpenPrivate(path, FileMode.Create);
        _currentLength = 0;
        _segments.Add((first, path));
    }

    /// <summary>A file only its owner may read (mode 0600 when created): telemetry names the network.</summary>
    private static FileStream OpenPrivate(string path, FileMode mode)
    {
        // Unbuffered: the journal writes through the handle at offsets (RandomAccess), never through the stream.
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    private SafeFileHandle HeadHandle => _headFile.SafeFileHandle;

    private SafeFileHandle? CurrentHandle => _currentFile?.SafeFileHandle;

    private void Recover()
    {
        long head = ReadHead();
        var recovered = new List<OutboxEntry>();
        var files = Directory.EnumerateFiles(_folder, "*" + SegmentSuffix)
            .Select(p => (Path: p, Name: Path.GetFileNameWithoutExtension(p)))
            .Where(f => f.Name.Length == 20 && f.Name.All(char.IsAsciiDigit))
            .Select(f => (First: long.Parse(f.Name, System.Globalization.CultureInfo.InvariantCulture), f.Path))
            .OrderBy(f => f.First)
            .ToList();
        foreach (var (first, path) in files)
        {
            long good = ReadSegment(path, head, recovered);
            long length = new FileInfo(path).Length;
            if (good < length)
            {
                DamagedRecords++;
                using var h = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
                RandomAccess.SetLength(h, good);
            }
            _segments.Add((first, path));
        }
        // Sequences must rise: a message older than one already taken (a segment from another run
        // left behind) is not sent twice.
        var ordered = new List<OutboxEntry>(recovered.Count);
        long last = 0;
        foreach (var e in recovered)
        {
            if (e.Sequence <= last) continue;
            ordered.Add(e);
            last = e.Sequence;
        }
        Recovered = ordered;
        _lastSequence = Math.Max(last, head - 1);
        // New messages go to a new segment (Append starts one): an old one may end in a cut-off record.
        _persistedHead = head;
    }

    private long ReadHead()
    {
        Span<byte> bytes = stackalloc byte[12];
        int read = RandomAccess.Read(HeadHandle, bytes, 0);
        if (read < 12) return 1;
        long head = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]) == Crc32.HashToUInt32(bytes[..8]) && head >= 1 ? head : 1;
    }

    /// <summary>Reads a segment's records at or above <paramref name="head"/>; returns the length of its good prefix.</summary>
    private static long ReadSegment(string path, long head, List<OutboxEntry> into)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long offset = 0;
        Span<byte> header = stackalloc byte[RecordHeader];
        byte[] body = new byte[256];
        while (true)
        {
            if (stream.ReadAtLeast(header, RecordHeader, throwOnEndOfStream: false) < RecordHeader) return offset;
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (length < BodyHeader || length > MaxRecordBytes) return offset;
            if (body.Length < length) body = new byte[length];
            var span = body.AsSpan(0, (int)length);
            if (stream.ReadAtLeast(span, span.Length, throwOnEndOfStream: false) < span.Length) return offset;
            if (Crc32.HashToUInt32(span) != crc) return offset;
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(span);
            int topicBytes = BinaryPrimitives.ReadUInt16LittleEndian(span[9..]);
            if (BodyHeader + topicBytes > span.Length) return offset;
            if (sequence >= head)
            {
                string topic = Encoding.UTF8.GetString(span.Slice(BodyHeader, topicBytes));
                byte[] payload = span[(BodyHeader + topicBytes)..].ToArray();
                into.Add(new OutboxEntry(sequence, new TelemetryMessage(topic, payload, (span[8] & 1) != 0)));
            }
            offset += RecordHeader + length;
        }
    }
}
