using PolicyKit.Agent.Replay;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Engine.Scripting;

namespace PolicyKit.Agent.Tests.Replay;

public sealed class JsonlTraceTests
{
    [Fact]
    public void Reads_seconds_times_events_and_notes()
    {
        var records = JsonlTrace.Parse(
            "{\"t\": 0, \"note\": \"start\"}\n\n{\"t\": 1.5, \"event\": \"join eth1 232.1.1.1 source 10.0.0.1\"}\r\n", "t.jsonl");
        Assert.Equal(2, records.Count);
        Assert.Equal("start", records[0].Note);
        Assert.Null(records[0].Event);
        Assert.Equal(TimeSpan.FromSeconds(1.5).Ticks, records[1].Offset);
        Assert.Equal(ScriptEventKind.Join, records[1].Event!.Kind);
        Assert.Equal("eth1", records[1].Event!.Interface);
        Assert.Equal("t.jsonl:3", records[1].Origin);
    }

    [Fact]
    public void Rfc3339_times_count_from_the_first_and_never_go_back()
    {
        var records = JsonlTrace.Parse(
            "{\"t\": \"2026-11-23T10:00:00Z\", \"event\": \"leave eth1 239.1.1.1\"}\n" +
            "{\"t\": \"2026-11-23T10:00:02.250Z\", \"event\": \"leave eth1 239.1.1.2\"}\n" +
            "{\"t\": \"2026-11-23T10:00:01Z\", \"event\": \"leave eth1 239.1.1.3\"}\n", "t.jsonl");
        Assert.Equal([0L, TimeSpan.FromSeconds(2.25).Ticks, TimeSpan.FromSeconds(2.25).Ticks], records.Select(r => r.Offset));
    }

    [Theory]
    [InlineData("{\"t\": 1, \"evnt\": \"leave eth1 239.1.1.1\"}", "t.jsonl:1:10: unknown key 'evnt'")]
    [InlineData("{\"t\": 1, \"event\": \"jion eth1 239.1.1.1\"}", "t.jsonl:1:1: event 1 ('jion eth1 239.1.1.1')")]
    [InlineData("{\"event\": \"leave eth1 239.1.1.1\"}", "t.jsonl:1:1: the line has no time")]
    [InlineData("{\"t\": -1, \"event\": \"leave eth1 239.1.1.1\"}", "t.jsonl:1:2: \"t\" must be seconds")]
    [InlineData("{\"t\": 1}", "t.jsonl:1:1: the line has neither an event nor a note")]
    [InlineData("{\"t\": 1, \"event\": \"wait 5s\"}", "t.jsonl:1:1: 'wait' has no place in a trace")]
    [InlineData("[1,2]", "t.jsonl:1:1: expected a JSON object per line")]
    [InlineData("{\"t\": 1, \"event\": \"leave eth1 239.1.1.1\"", "t.jsonl:1:")]
    [InlineData("{\"t\": \"yesterday\", \"event\": \"leave eth1 239.1.1.1\"}", "\"t\" is neither seconds nor an RFC 3339 time")]
    public void A_bad_line_is_one_error_with_its_position(string line, string expected)
    {
        var e = Assert.Throws<TraceFormatException>(() => JsonlTrace.Parse("{\"t\": 0, \"note\": \"ok\"}\n" + line, "t.jsonl"));
        Assert.Contains(expected.Replace("t.jsonl:1:", "t.jsonl:2:"), e.Message);
    }

    [Fact]
    public void The_bundled_demo_trace_parses()
    {
        var records = JsonlTrace.Load(Path.Combine(RepoPaths.Traces, "broadband-edge.jsonl"));
        Assert.True(records.Count(r => r.Event is not null) > 200);
    }

    [Fact]
    public void Garbage_never_throws_anything_but_a_trace_error()
    {
        var random = new Random(7);
        string good = File.ReadAllText(Path.Combine(RepoPaths.Traces, "broadband-edge.jsonl"));
        for (int i = 0; i < 2000; i++)
        {
            var chars = good.Substring(random.Next(good.Length / 2), 400).ToCharArray();
            for (int m = 0; m < 3; m++) chars[random.Next(chars.Length)] = (char)random.Next(0, 128);
            try { JsonlTrace.Parse(new string(chars), "f.jsonl"); }
            catch (TraceFormatException e) { Assert.StartsWith("f.jsonl:", e.Message); }
        }
    }
}
