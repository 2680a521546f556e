using System.Globalization;
using System.Text;
using System.Text.Json;
using PolicyKit.Engine.Scripting;

namespace PolicyKit.Agent.Replay;

/// <summary>
/// Reads an event log in JSON Lines: one object per line,
/// <code>
/// {"t": 1.5, "event": "join GigabitEthernet0/0/10 232.1.0.1 source 198.51.100.1"}
/// {"t": "2026-11-23T10:00:02.250Z", "event": "leave eth1 239.1.1.1"}
/// {"t": 3, "note": "subscriber 1001 zaps to a second channel"}
/// </code>
/// <c>t</c> is seconds after the trace start (a number) or an RFC 3339 time (the first such line
/// is the start); <c>event</c> is one event of the event-script language (<see cref="EventScript"/>,
/// the same words <c>mpolc explain --event</c> takes), without <c>wait</c>: time comes from
/// <c>t</c>. <c>note</c> is narration. Blank lines are skipped; any other key is an error, so a
/// misspelt field is never silently ignored. A record earlier than the one before it is taken as
/// happening at that earlier record's time (logs from several threads are often slightly out of order).
/// </summary>
public static class JsonlTrace
{
    /// <summary>The longest line read (a trace line is an event and a note: a few hundred bytes).</summary>
    public const int MaxLineLength = 64 * 1024;

    /// <summary>Parses every line; the first bad line throws with file:line:col.</summary>
    public static IReadOnlyList<TraceRecord> Parse(string text, string fileName) => Read(new StringReader(text), fileName).ToList();

    /// <summary>Every record of the file, read whole (tests, small traces); <see cref="Stream"/> reads a line at a time.</summary>
    public static IReadOnlyList<TraceRecord> Load(string path) => Stream(path).ToList();

    /// <summary>
    /// The records of the file, parsed a line at a time as they are enumerated: a replay holds one
    /// line, not the trace (a 40 MB trace made a 450 MB agent when it was read whole). Errors are
    /// thrown as <see cref="TraceFormatException"/> when the enumeration reaches them.
    /// </summary>
    public static IEnumerable<TraceRecord> Stream(string path)
    {
        StreamReader reader;
        try
        {
            reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { Access = FileAccess.Read, Share = FileShare.ReadWrite });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new TraceFormatException($"{path}: cannot read the trace: {e.Message}");
        }
        return Read(reader, Path.GetFileName(path), path);
    }

    private static IEnumerable<TraceRecord> Read(TextReader reader, string fileName, string? path = null)
    {
        using (reader)
        {
            DateTimeOffset? start = null;
            long last = 0;
            int lineNumber = 0;
            var buffer = new StringBuilder();
            while (ReadLine(reader, buffer, fileName, lineNumber + 1, path) is { } rawLine)
            {
                lineNumber++;
                string line = rawLine.TrimEnd('\r');
                if (line.Trim().Length == 0) continue;
                var record = ParseLine(line, fileName, lineNumber, ref start);
                if (record.Offset < last) record = record with { Offset = last };
                last = record.Offset;
                yield return record;
            }
        }
    }

    /// <summary>One line without its '\n', or null at the end; a line longer than <see cref="MaxLineLength"/> is an error, not a reason to hold the file.</summary>
    private static string? ReadLine(TextReader reader, StringBuilder buffer, string fileName, int lineNumber, string? path)
    {
        buffer.Clear();
        try
        {
            int c;
            while ((c = reader.Read()) >= 0)
            {
                if (c == '\n') return buffer.ToString();
                if (buffer.Length >= MaxLineLength)
                    throw new TraceFormatException($"{fileName}:{lineNumber}:1: the line is longer than {MaxLineLength / 1024} KB: not a trace line");
                buffer.Append((char)c);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TraceFormatException($"{path ?? fileName}: cannot read the trace: {e.Message}");
        }
        return buffer.Length > 0 ? buffer.ToString() : null;
    }

    private static TraceRecord ParseLine(string line, string file, int lineNumber, ref DateTimeOffset? start)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });

        long? offset = null;
        string? eventText = null;
        string? note = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new TraceFormatException($"{Where(file, lineNumber, reader.TokenStartIndex)}: expected a JSON object per line");
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string key = reader.GetString()!;
                string keyWhere = Where(file, lineNumber, reader.TokenStartIndex);
                reader.Read();
                switch (key)
                {
                    case "t":
                        offset = ReadTime(ref reader, keyWhere, ref start);
                        break;
                    case "event":
                        eventText = ReadString(ref reader, keyWhere, key);
                        break;
                    case "note":
                        note = ReadString(ref reader, keyWhere, key);
                        break;
                    default:
                        throw new TraceFormatException($"{keyWhere}: unknown key '{key}' (a trace line has t, event and note)");
                }
            }
            if (reader.Read()) throw new TraceFormatException($"{Where(file, lineNumber, reader.TokenStartIndex)}: text after the object");
        }
        catch (JsonException e)
        {
            throw new TraceFormatException($"{file}:{lineNumber}:{(e.BytePositionInLine ?? 0) + 1}: not valid JSON: {FirstSentence(e.Message)}");
        }

        string origin = $"{file}:{lineNumber}";
        if (offset is null) throw new TraceFormatException($"{origin}:1: the line has no time (\"t\")");
        if (eventText is null && note is null) throw new TraceFormatException($"{origin}:1: the line has neither an event nor a note");
        ScriptEvent? scriptEvent = null;
        if (eventText is not null)
        {
            if (!EventScript.TryParse(eventText, out var events, out string error))
                throw new TraceFormatException($"{origin}:1: {error}");
            if (events.Count != 1)
                throw new TraceFormatException($"{origin}:1: one event per line ({events.Count} given)");
            if (events[0].Kind == ScriptEventKind.Wait)
                throw new TraceFormatException($"{origin}:1: 'wait' has no place in a trace: each line's \"t\" says when it happened");
            scriptEvent = events[0];
        }
        return new TraceRecord(offset.Value, scriptEvent, origin, note);
    }

    private static string Where(string file, int line, long tokenStart) => $"{file}:{line}:{tokenStart + 1}";

    private static long ReadTime(ref Utf8JsonReader reader, string where, ref DateTimeOffset? start)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            double seconds = reader.GetDouble();
            if (!double.IsFinite(seconds) || seconds < 0 || seconds > 1e9)
                throw new TraceFormatException($"{where}: \"t\" must be seconds from 0 to 1e9, got {seconds.ToString(CultureInfo.InvariantCulture)}");
            return (long)Math.Round(seconds * TimeSpan.TicksPerSecond);
        }
        if (reader.TokenType == JsonTokenType.String)
        {
            string text = reader.GetString()!;
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                throw new TraceFormatException($"{where}: \"t\" is neither seconds nor an RFC 3339 time: '{text}'");
            start ??= time;
            return Math.Max(0, (time - start.Value).Ticks);
        }
        throw new TraceFormatException($"{where}: \"t\" must be a number of seconds or an RFC 3339 time string");
    }

    private static string ReadString(ref Utf8JsonReader reader, string where, string key)
    {
        if (reader.TokenType != JsonTokenType.String) throw new TraceFormatException($"{where}: \"{key}\" must be a string");
        return reader.GetString()!;
    }

    private static string FirstSentence(string message)
    {
        int dot = message.IndexOf(". ", StringComparison.Ordinal);
        return dot > 0 ? message[..dot] : message;
    }
}
