using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Telemetry.Tests;
using PolicyKit.Testing;
using Xunit.Abstractions;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// Issue 15, finding 1: anyone who could connect locked every router out (a session slot was taken
/// at accept, plain sessions never timed out, ~0.85 MB allocated per connection before
/// authentication). Here 240 hostile connections from 240 source addresses — idle ones, ones that
/// start a TLS handshake and stall, slow-loris ones trickling a ClientHello a byte at a time, each
/// reopened when the station drops it — hammer the agent's TLS and plain ports, while a router
/// with a CA-signed certificate connects over mutual TLS and streams a recorded FRR session. The
/// router must get in and be fully processed, and the agent's peak RSS must stay under
/// <see cref="RssBoundMb"/>.
/// </summary>
[Collection("bmp-agent")]
public sealed class AgentBmpHostileTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The agent's peak resident set during the attack (the JIT agent rests at ~60 MB).</summary>
    private const int RssBoundMb = 160;

    /// <summary>Connection attempts the router makes, a second apart (a router retries: FRR's min-retry, GoBGP's reconnect).</summary>
    private const int Attempts = 30;

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_valid_router_gets_in_through_240_hostile_connections_and_memory_stays_bounded()
    {
        var pki = TestCertificates.Create(_dir.Path);
        string table = TestTables.BroadbandEdge(_dir.File("out"));
        int tlsPort = MosquittoBroker.FreePort(), plainPort = MosquittoBroker.FreePort(), statusPort = MosquittoBroker.FreePort();
        using var agent = AgentProcess.Start(["run", "--table", table, "--set", "mqtt.enabled=false", "--set", $"agent.status_listen=127.0.0.1:{statusPort}",
            "--set", "bmp.enabled=true", "--set", $"bmp.listen=127.0.0.1:{plainPort}", "--set", $"bmp.tls_listen=127.0.0.1:{tlsPort}",
            "--set", $"bmp.cert_file={pki.ServerCertFile}", "--set", $"bmp.key_file={pki.ServerKeyFile}", "--set", $"bmp.ca_file={pki.CaFile}",
            // Fewer pending slots than hostile connections, and short timeouts: evictions, timeouts and reconnects all happen during the test.
            "--set", "bmp.max_pending=64", "--set", "bmp.handshake_timeout=4s", "--set", "bmp.first_message_timeout=2s"]);
        agent.WaitForLog("bmp: station listening", TimeSpan.FromSeconds(30));
        long restingKb = agent.Rss().Current;

        using var stop = new CancellationTokenSource();
        long hostileConnects = 0;
        var hostile = new List<Task>();
        for (int i = 0; i < 240; i++)
        {
            var source = IPAddress.Parse($"127.0.{1 + i / 250}.{2 + i % 250}");
            int kind = i % 4; // 0 idle on TLS, 1 stalled handshake, 2 slow-loris ClientHello, 3 idle on the plain port
            hostile.Add(Task.Run(() => HostileAsync(source, kind == 3 ? plainPort : tlsPort, kind, () => Interlocked.Increment(ref hostileConnects), stop.Token)));
        }
        long peakKb = 0;
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakKb = Math.Max(peakKb, agent.Rss().Current);
                try { await Task.Delay(100, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        await Task.Delay(4000); // the hostile connections fill every pending slot, time out and come back

        // The router: mutual TLS with a certificate from the CA, the recorded FRR session, then it stays connected.
        byte[] recording = File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "PolicyKit.Bmp.Tests", "Recordings", "frr-8.4.bmp"));
        int messages = CountMessages(recording);
        var certificate = X509Certificate2.CreateFromPemFile(pki.ClientCertFile, pki.ClientKeyFile);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // As a router does (FRR's bmp connect min-retry, GoBGP's reconnect): a refused or dropped attempt is retried a second later.
        var (router, ssl, attempts, failures) = await RouterConnectAsync(tlsPort, certificate, recording);
        using var _ = router;
        using var __ = ssl;
        if (ssl is null)
        {
            var counters = (await StatusAsync(statusPort)).GetProperty("bmp").GetProperty("station");
            stop.Cancel();
            Assert.Fail($"the router could not connect in {attempts} attempts ({string.Join("; ", failures)}); station: {counters}");
        }

        JsonElement session = default;
        bool processed = await WaitAsync(async () =>
        {
            var status = await StatusAsync(statusPort);
            if (!status.TryGetProperty("bmp", out var bmp)) return false;
            session = bmp.GetProperty("routers").EnumerateArray().FirstOrDefault(r => r.GetProperty("tls").GetBoolean());
            return session.ValueKind == JsonValueKind.Object && session.GetProperty("messages").GetInt64() == messages;
        }, TimeSpan.FromSeconds(30));
        double routerSeconds = clock.Elapsed.TotalSeconds;
        var final = await StatusAsync(statusPort);
        stop.Cancel();
        await Task.WhenAll(hostile.Append(sampler));
        var (_, hwmKb) = agent.Rss();
        var station = final.GetProperty("bmp").GetProperty("station");
        output.WriteLine($"hostile connections opened: {hostileConnects}; router in after {attempts} attempt(s) ({string.Join("; ", failures)}), processed after {routerSeconds:F1} s; " +
            $"RSS resting {restingKb / 1024} MB, peak sampled {peakKb / 1024} MB, VmHWM {hwmKb / 1024} MB; station: {station}");

        Assert.True(processed, $"the router's {messages} messages were not processed within 30 s; last: {session}; station: {station}\n{agent.Errors}");
        Assert.Equal("CN=mpol-agent test", session.GetProperty("router").GetString());
        Assert.True(hostileConnects >= 240, $"only {hostileConnects} hostile connections were made");
        Assert.True(station.GetProperty("pending_evicted").GetInt64() + station.GetProperty("tls_failures").GetInt64() + station.GetProperty("first_message_failures").GetInt64() > 0, station.ToString());
        Assert.Equal(1, station.GetProperty("sessions").GetInt64()); // none of the hostile connections became a session
        Assert.True(hwmKb / 1024 < RssBoundMb, $"peak RSS {hwmKb / 1024} MB (bound {RssBoundMb} MB)");
        Assert.False(agent.HasExited);
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(20)));
    }

    /// <summary>The router: mutual TLS with the CA's certificate, then the recorded session written; up to 30 attempts a second apart.</summary>
    private static async Task<(TcpClient? Client, SslStream? Ssl, int Attempts, List<string> Failures)> RouterConnectAsync(int port, X509Certificate2 certificate, byte[] recording)
    {
        var failures = new List<string>();
        for (int attempt = 1; attempt <= Attempts; attempt++)
        {
            var client = new TcpClient(new IPEndPoint(IPAddress.Loopback, 0));
            SslStream? ssl = null;
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                ssl = new SslStream(client.GetStream());
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "127.0.0.1",
                    ClientCertificates = [certificate],
                    RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null,
                }).WaitAsync(TimeSpan.FromSeconds(15));
                await ssl.WriteAsync(recording);
                await ssl.FlushAsync();
                return (client, ssl, attempt, failures);
            }
            catch (Exception e) when (e is IOException or SocketException or TimeoutException or System.Security.Authentication.AuthenticationException)
            {
                failures.Add(e.Message);
                ssl?.Dispose();
                client.Dispose();
                await Task.Delay(1000);
            }
        }
        return (null, null, Attempts, failures);
    }

    /// <summary>One hostile client: connects from its own address, misbehaves in its way, and reconnects 50 ms after being dropped.</summary>
    private static async Task HostileAsync(IPAddress source, int port, int kind, Action connected, CancellationToken stop)
    {
        // A TLS record header announcing a ClientHello, and the start of one: never finished.
        byte[] hello = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03, .. new byte[64]];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                client.Bind(new IPEndPoint(source, 0));
                await client.ConnectAsync(IPAddress.Loopback, port, stop);
                connected();
                var probe = new byte[1];
                switch (kind)
                {
                    case 1:
                        await client.SendAsync(hello.AsMemory(0, 16), SocketFlags.None, stop);
                        break;
                    case 2:
                        for (int i = 0; i < hello.Length && !stop.IsCancellationRequested; i++)
                        {
                            await client.SendAsync(hello.AsMemory(i, 1), SocketFlags.None, stop);
                            await Task.Delay(500, stop);
                        }
                        break;
                }
                // Wait until the station drops the connection (a read returns 0 or fails).
                while (await client.ReceiveAsync(probe, SocketFlags.None, stop) > 0)
                {
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            try { await Task.Delay(50, stop); } catch (OperationCanceledException) { }
        }
    }

    private static int CountMessages(byte[] stream)
    {
        int count = 0;
        for (int at = 0; at + 6 <= stream.Length; count++) at += (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(at + 1));
        return count;
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return true;
            await Task.Delay(200);
        }
        return await condition();
    }

    private static async Task<JsonElement> StatusAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/status")).RootElement;
    }
}
