using System.Net.Sockets;
using System.Text.Json;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// The agent's BMP station end to end: a recorded FRR 8.4 BMP stream (tests/PolicyKit.Bmp.Tests/
/// Recordings, captured from a live bgpd) sent to the station becomes retained per-peer telemetry
/// and BMP events on a real mosquitto; a garbage stream on a second session closes only that one.
/// </summary>
public sealed class AgentBmpTests : IDisposable
{
    private const string Root = "policykit/v1/north-pop-1/pe-agg-1";
    private readonly TempDir _dir = new();
    private readonly MosquittoBroker _broker = new();

    public AgentBmpTests() => _broker.Start();

    public void Dispose()
    {
        _broker.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_recorded_FRR_stream_becomes_peer_telemetry_and_garbage_closes_only_its_session()
    {
        string table = TestTables.BroadbandEdge(_dir.File("out"));
        int bmpPort = MosquittoBroker.FreePort();
        await using var sub = await TestSubscriber.ConnectAsync(_broker.Host, _broker.Port, Root + "/#");
        using var agent = AgentProcess.Start(["run", "--table", table, "--set", $"mqtt.port={_broker.Port}", "--set", "agent.status_listen=",
            "--set", "bmp.enabled=true", "--set", $"bmp.listen=127.0.0.1:{bmpPort}", "--set", "mqtt.publish_interval=500ms"]);
        agent.WaitForLog("bmp: station listening", TimeSpan.FromSeconds(20));

        byte[] recording = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "PolicyKit.Bmp.Tests", "Recordings", "frr-8.4.bmp"));
        using var router = new TcpClient();
        await router.ConnectAsync("127.0.0.1", bmpPort);
        await router.GetStream().WriteAsync(recording);

        using (var rogue = new TcpClient())
        {
            await rogue.ConnectAsync("127.0.0.1", bmpPort);
            await rogue.GetStream().WriteAsync(PolicyKit.Bmp.Wire.BmpEncoder.Initiation("rogue", null));       // a session (RFC 7854: an Initiation first), …
            await rogue.GetStream().WriteAsync(new byte[] { 3, 0, 0, 0, 9, 99, 1, 2, 3, 4, 5, 6, 7, 8, 9 }); // … version 3, length 9, type 99: framing is kept, …
            await rogue.GetStream().WriteAsync(new byte[] { 7, 7, 7, 7, 7, 7 });                           // … then a version-7 header: framing lost
            await Task.Delay(500);
        }

        static bool PeerUp(Received x) => x.Topic.StartsWith(Root + "/bmp/", StringComparison.Ordinal) && x.Payload.Contains("\"type\":\"bmp-peer\"") && x.Payload.Contains("\"up\":true");
        var got = await sub.WaitForAsync(m => m.Any(PeerUp)
            && m.Any(x => x.Payload.Contains("\"type\":\"bmp-session-closed\"") && x.Payload.Contains("\"error\":true")),
            TimeSpan.FromSeconds(20), "a peer's retained state and the garbage session's close");
        var peer = got.Last(PeerUp);
        Assert.True(peer.Retain);
        var state = JsonDocument.Parse(peer.Payload).RootElement;
        Assert.True(state.GetProperty("prefixes").EnumerateObject().Sum(p => p.Value.GetInt64()) > 0, peer.Payload);
        Assert.Contains(got, x => x.Payload.Contains("\"type\":\"bmp-peer-up\""));
        Assert.Contains(got, x => x.Payload.Contains("\"type\":\"bmp-initiation\""));

        // The good session is untouched by the bad one: the router's connection is still open.
        await router.GetStream().WriteAsync(Array.Empty<byte>());
        Assert.True(router.Connected);
        Assert.False(agent.HasExited);
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(15)));
    }
}
