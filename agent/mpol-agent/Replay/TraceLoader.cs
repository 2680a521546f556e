namespace PolicyKit.Agent.Replay;

/// <summary>Reads a trace file of either kind: a JSON Lines event log, or a pcap/pcapng capture (format "auto" looks at the first bytes).</summary>
public static class TraceLoader
{
    public static IReadOnlyList<TraceRecord> Load(string path, string format, string defaultInterface)
    {
        string kind = format;
        if (kind == "auto") kind = CaptureTrace.LooksLikeCapture(path) ? "pcap" : "jsonl";
        return kind switch
        {
            "jsonl" => JsonlTrace.Load(path),
            "pcap" => CaptureTrace.Load(path, defaultInterface),
            _ => throw new TraceFormatException($"{path}: unknown trace format '{format}' (auto, jsonl, pcap)"),
        };
    }
}
