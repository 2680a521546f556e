using PolicyKit.Agent.Replay;

namespace PolicyKit.Agent.Config;

/// <summary>[replay]: a recorded trace to feed the engine.</summary>
public sealed record ReplaySection(string File, string Format, ReplaySpeed Speed, string Interface, bool ExitWhenDone)
{
    public static ReplaySection Bind(ConfigValues v)
    {
        string file = v.Path("replay.file", mustExist: true, "a JSONL event log or a pcap/pcapng capture to replay; empty = none");
        string format = v.Choice("replay.format", "auto", ["auto", "jsonl", "pcap"], "trace format; auto = by the file's first bytes");
        string speedText = v.String("replay.speed", "recorded", "recorded, fast, or a factor such as 10x");
        if (!ReplaySpeed.TryParse(speedText, out var speed)) v.Error("replay.speed", $"expected recorded, fast or a factor such as 10x, got \"{speedText}\"");
        return new ReplaySection(file, format, speed,
            v.String("replay.interface", "", "interface name for captured packets whose capture names none"),
            v.Bool("replay.exit_when_done", false, "stop the agent (offline, flush, exit 0) when the replay ends"));
    }
}
