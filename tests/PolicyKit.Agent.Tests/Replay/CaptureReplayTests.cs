using PolicyKit.Agent.Replay;
using PolicyKit.Agent.Runtime;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Engine.Scripting;

namespace PolicyKit.Agent.Tests.Replay;

/// <summary>
/// Replay of real kernel IGMPv3 captures (tests/PolicyKit.Packets.Tests/Captures: the kernel packs
/// several group records per report) through the runtime: one decision per group record/source.
/// </summary>
public sealed class CaptureReplayTests : IDisposable
{
    private const string Policy = """
        groups lab-asm { 239.77.1.0/24; }
        groups lab-ssm { 232.77.1.0/24; }
        sources trusted { 192.0.2.1; }
        filter lab-joins {
            permit groups lab-asm;
            permit sources trusted groups lab-ssm;
        }
        device lab-edge platform linux {
            interface "edge0" {
                igmp { access lab-joins; limit 3; }
            }
        }
        """;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Capture(string name) => Path.Combine(RepoPaths.Root, "tests", "PolicyKit.Packets.Tests", "Captures", name);

    [Theory]
    [InlineData("igmpv3-eth.pcap")]
    [InlineData("igmpv3-eth.pcapng")]
    [InlineData("igmpv3-any-sll2.pcap")]
    public void Each_group_record_of_a_packed_report_is_decided_on_its_own(string file)
    {
        File.WriteAllText(_dir.File("lab.mpol"), Policy);
        string table = TestTables.Compile(_dir.File("lab.mpol"), "lab-edge", _dir.File("out"));
        Assert.True(CaptureTrace.LooksLikeCapture(Capture(file)));
        var records = TraceLoader.Load(Capture(file), "auto", "edge0").Where(r => r.Event is not null).ToList();
        // The pcapng names the capture's own interface; replay.interface only fills in where none is named.
        var renamed = records.Select(r => r with { Event = r.Event! with { Interface = "edge0" } }).ToList();

        // Several events from one packet: the kernel packed several records into one report.
        Assert.Contains(renamed.GroupBy(r => r.Origin), g => g.Count() >= 3);

        var runtime = new AgentRuntime(new RuntimeOptions { TablePath = table }, new RecordingSink(), TextWriter.Null);
        Assert.True(runtime.TryStart(out string error), error);
        var decided = new Dictionary<(string, string, ScriptEventKind), bool>();
        foreach (var r in renamed)
        {
            var d = runtime.Apply(r.Event!, runtime.Clock.AdvanceTo(r.Offset));
            decided[(r.Event!.Group.ToString(), r.Event.Source.ToString(), r.Event.Kind)] = d[0].Decision.IsAdmit;
        }
        // ASM joins of the lab range and the trusted source's channel are admitted (3 = the limit) …
        Assert.True(decided[("239.77.1.1", "-", ScriptEventKind.Join)]);
        Assert.True(decided[("232.77.1.4", "192.0.2.1", ScriptEventKind.Join)]);
        // … untrusted sources are refused by the access filter, whatever record carried them.
        Assert.False(decided[("232.77.1.4", "192.0.2.2", ScriptEventKind.Join)]);
        Assert.False(decided[("232.77.1.5", "192.0.2.3", ScriptEventKind.Join)]);
        // The capture ends with every socket closed: the kernel's leaves free every entry.
        var limit = runtime.Limits().Single(l => l.Scope.Path == "interface/edge0/igmp");
        Assert.Equal(0, limit.Used);
        Assert.True(limit.Denies.GetValueOrDefault("access-filter") >= 2);
    }

    [Fact]
    public void A_damaged_capture_is_a_trace_error_naming_the_file()
    {
        byte[] bytes = File.ReadAllBytes(Capture("igmpv3-eth.pcapng"));
        File.WriteAllBytes(_dir.File("cut.pcapng"), bytes[..(bytes.Length / 2 + 3)]);
        var e = Assert.Throws<TraceFormatException>(() => TraceLoader.Load(_dir.File("cut.pcapng"), "auto", "edge0"));
        Assert.StartsWith("cut.pcapng:", e.Message);
    }

    [Fact]
    public void A_capture_without_interface_names_needs_replay_interface()
    {
        var e = Assert.Throws<TraceFormatException>(() => TraceLoader.Load(Capture("igmpv3-eth.pcap"), "pcap", ""));
        Assert.Contains("set replay.interface", e.Message);
    }
}
