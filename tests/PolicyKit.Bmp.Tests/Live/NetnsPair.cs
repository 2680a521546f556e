using PolicyKit.Bmp.Tests.Support;

namespace PolicyKit.Bmp.Tests.Live;

/// <summary>
/// Two network namespaces the test creates, joined by a veth pair: the monitored router in
/// <see cref="Router"/> (192.0.2.2, 2001:db8:ff::2) and its BGP peer in <see cref="Peer"/>
/// (192.0.2.1, 2001:db8:ff::1). Names carry the PID and a random suffix; everything is
/// deleted on dispose (deleting a namespace removes its veth end and the pair with it).
/// </summary>
internal sealed class NetnsPair : IDisposable
{
    private readonly string _ip;

    public NetnsPair()
    {
        _ip = Tools.Require("ip", "iproute2");
        string suffix = Tools.Unique("");
        Router = "pkbr" + suffix;
        Peer = "pkbp" + suffix;
        string vr = "vr" + suffix, vp = "vp" + suffix;
        try
        {
            Ip("netns", "add", Router);
            Ip("netns", "add", Peer);
            Ip("link", "add", vr, "type", "veth", "peer", "name", vp);
            Ip("link", "set", vr, "netns", Router);
            Ip("link", "set", vp, "netns", Peer);
            foreach (var (ns, dev, v4, v6) in new[] { (Router, vr, "192.0.2.2/30", "2001:db8:ff::2/64"), (Peer, vp, "192.0.2.1/30", "2001:db8:ff::1/64") })
            {
                Ip("-n", ns, "addr", "add", v4, "dev", dev);
                Ip("-n", ns, "addr", "add", v6, "dev", dev, "nodad");
                Ip("-n", ns, "link", "set", dev, "up");
                Ip("-n", ns, "link", "set", "lo", "up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Router { get; }

    public string Peer { get; }

    private void Ip(params string[] args)
    {
        var result = Tools.Run(_ip, args);
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', args)}: {result.Output} (the live BMP tests run as root and create network namespaces)");
    }

    /// <summary>Runs a program inside a namespace (ip netns exec execs it: the process is the program itself).</summary>
    public (System.Diagnostics.Process Process, System.Text.StringBuilder Output) Start(string ns, string program, params string[] args) =>
        Tools.Start(_ip, ["netns", "exec", ns, program, .. args]);

    public Tools.Result Run(string ns, string program, params string[] args) => Tools.Run(_ip, ["netns", "exec", ns, program, .. args]);

    public void Dispose()
    {
        foreach (var ns in new[] { Router, Peer })
        {
            if (ns is null) continue;
            // Our daemons are stopped by their owners first; anything left in the namespace was started by this test.
            var pids = Tools.Run(_ip, "netns", "pids", ns).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var pid in pids)
            {
                if (int.TryParse(pid, out int id))
                {
                    try
                    {
                        using var p = System.Diagnostics.Process.GetProcessById(id);
                        p.Kill(entireProcessTree: true);
                        p.WaitForExit(3000);
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                    }
                }
            }
            Tools.Run(_ip, "netns", "del", ns);
        }
    }
}

/// <summary>
/// Carries the router's BMP connection out of its namespace to the station: socat listens on
/// 127.0.0.1:<see cref="RouterPort"/> inside the namespace and forwards over a Unix socket (file
/// system, not network: it crosses namespaces) to a second socat that connects to the station,
/// in plain TCP or — as the TLS client wrapper a router without native BMP over TLS runs — with
/// socat's OPENSSL-CONNECT and a client certificate.
/// </summary>
internal sealed class BmpBridge : IDisposable
{
    public const int RouterPort = 5999;
    private readonly List<System.Diagnostics.Process> _processes = [];
    private readonly List<System.Text.StringBuilder> _outputs = [];

    public BmpBridge(NetnsPair net, string directory, int stationPort, Pki? tlsClient = null)
    {
        string socat = Tools.Require("socat", "socat");
        string socket = Path.Combine(directory, "bmp-" + Guid.NewGuid().ToString("N")[..6] + ".sock");
        string target = tlsClient is null
            ? $"TCP:127.0.0.1:{stationPort}"
            : $"OPENSSL-CONNECT:127.0.0.1:{stationPort},cert={tlsClient.ClientCert},key={tlsClient.ClientKey},cafile={tlsClient.Ca},verify=1";
        var outside = Tools.Start(socat, [$"UNIX-LISTEN:{socket},fork,mode=777", target]);
        _processes.Add(outside.Process);
        _outputs.Add(outside.Output);
        Assert.True(Tools.WaitUntil(() => File.Exists(socket), TimeSpan.FromSeconds(10)), "socat did not create the bridge socket: " + outside.Output);
        var inside = net.Start(net.Router, socat, $"TCP-LISTEN:{RouterPort},bind=127.0.0.1,reuseaddr,fork", $"UNIX-CONNECT:{socket}");
        _processes.Add(inside.Process);
        _outputs.Add(inside.Output);
    }

    public string Logs => string.Join("\n", _outputs.Select(o => { lock (o) return o.ToString(); }));

    public void Dispose()
    {
        foreach (var p in _processes) Tools.Stop(p);
    }
}
