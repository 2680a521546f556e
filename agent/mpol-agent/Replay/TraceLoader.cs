namespace PolicyKit.Agent.Replay;

/// <summary>Reads a trace file of either kind: a JSON Lines event log, or a pcap/pcapng capture (format "auto" looks at the first bytes).</summary>
public static class TraceLoader
{
    /// <summary>Every record, read whole (tests, small traces).</summary>
    public static IReadOnlyList<TraceRecord> Load(string path, string format, string defaultInterface) => Stream(path, format, defaultInterface).ToList();

    /// <summary>The records as they are enumerated, one line or packet at a time; errors are thrown when reached.</summary>
    public static IEnumerable<TraceRecord> Stream(string path, string format, string defaultInterface)
    {
        string kind = format;
        if (kind == "auto") kind = CaptureTrace.LooksLikeCapture(path) ? "pcap" : "jsonl";
        return kind switch
        {
            "jsonl" => JsonlTrace.Stream(path),
            "pcap" => CaptureTrace.Stream(path, defaultInterface),
            _ => throw new TraceFormatException($"{path}: unknown trace format '{format}' (auto, jsonl, pcap)"),
        };
    }
}
