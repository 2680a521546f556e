using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PolicyKit.Bmp.Tests.Support;

namespace PolicyKit.Bmp.Tests.Live;

/// <summary>An FRR bgpd (Debian frr, with its BMP module) in a namespace, with its own vty socket directory.</summary>
internal sealed class FrrBgpd : IDisposable
{
    public const string Bgpd = "/usr/lib/frr/bgpd";
    private readonly Process _process;
    private readonly StringBuilder _output;

    public FrrBgpd(NetnsPair net, string ns, string directory, string name, string config)
    {
        Tools.Require("vtysh", "frr");
        Assert.True(File.Exists(Bgpd), "FRR bgpd is missing: install the Debian package frr (apt-get install -y frr)");
        Directory = Path.Combine(directory, name);
        System.IO.Directory.CreateDirectory(Directory);
        File.SetUnixFileMode(Directory, (UnixFileMode)0x1FF);
        string file = Path.Combine(Directory, "bgpd.conf");
        File.WriteAllText(file, config);
        (_process, _output) = net.Start(ns, Bgpd, "-f", file, "-Z", "-S", "-P", "0", "-p", "179", "-M", "bmp",
            "--vty_socket", Directory, "-i", Path.Combine(Directory, "bgpd.pid"), "--log", "stdout");
        string socket = Path.Combine(Directory, "bgpd.vty");
        Assert.True(Tools.WaitUntil(() => File.Exists(socket), TimeSpan.FromSeconds(15)), $"bgpd {name} did not start:\n{Logs}");
    }

    public string Directory { get; }

    public string Logs
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public string Vtysh(params string[] commands)
    {
        var args = new List<string> { "--vty_socket", Directory };
        foreach (var c in commands) args.AddRange(["-c", c]);
        var result = Tools.Run(Tools.Require("vtysh", "frr"), args, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"vtysh {string.Join(" / ", commands)}: {result.Output}");
        return result.Output;
    }

    /// <summary>FRR's own count of prefixes received from a neighbor (pfxRcd), -1 while the session is not established.</summary>
    public int PrefixesReceived(string family, string neighbor)
    {
        using var json = JsonDocument.Parse(Vtysh($"show bgp {family} unicast summary json"));
        if (!json.RootElement.TryGetProperty("peers", out var peers) || !peers.TryGetProperty(neighbor, out var peer)) return -1;
        return peer.GetProperty("state").GetString() == "Established" ? peer.GetProperty("pfxRcd").GetInt32() : -1;
    }

    /// <summary>FRR's Adj-RIB-In for a neighbor (<c>received-routes</c>, kept by soft-reconfiguration inbound): what the pre-policy view holds.</summary>
    public int ReceivedRoutes(string family, string neighbor)
    {
        using var json = JsonDocument.Parse(Vtysh($"show bgp {family} unicast neighbors {neighbor} received-routes json"));
        if (json.RootElement.TryGetProperty("totalPrefixCounter", out var total)) return total.GetInt32();
        return json.RootElement.TryGetProperty("receivedRoutes", out var routes) ? routes.EnumerateObject().Count() : -1;
    }

    public void Dispose() => Tools.Stop(_process);
}

/// <summary>A GoBGP daemon (Debian gobgpd) in a namespace with its gRPC API on the namespace's loopback.</summary>
internal sealed class GoBgpd : IDisposable
{
    private readonly NetnsPair _net;
    private readonly string _ns;
    private readonly Process _process;
    private readonly StringBuilder _output;
    private const string Api = "50051";

    public GoBgpd(NetnsPair net, string ns, string directory, string config)
    {
        _net = net;
        _ns = ns;
        string gobgpd = Tools.Require("gobgpd", "gobgpd");
        Tools.Require("gobgp", "gobgpd");
        string file = Path.Combine(directory, "gobgpd.toml");
        File.WriteAllText(file, config);
        var check = Tools.Run(gobgpd, "-d", "-f", file);
        Assert.True(check.ExitCode == 0, $"gobgpd -d refused the config:\n{check.Output}\n{config}");
        (_process, _output) = net.Start(ns, gobgpd, "-f", file, "--api-hosts", "127.0.0.1:" + Api, "--pprof-disable");
    }

    public string Logs
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public string Cli(params string[] args)
    {
        var result = _net.Run(_ns, Tools.Require("gobgp", "gobgpd"), ["-u", "127.0.0.1", "-p", Api, .. args]);
        return result.ExitCode == 0 ? result.Output : "";
    }

    /// <summary>GoBGP's own count of prefixes received from the neighbor (Adj-RIB-In), -1 while it is not established.</summary>
    public int PrefixesReceived(string neighbor, string family = "ipv4")
    {
        string text = Cli("neighbor", neighbor, "-j");
        if (text.Length == 0) return -1;
        using var json = JsonDocument.Parse(text);
        var state = json.RootElement.GetProperty("state");
        if (state.GetProperty("session_state").GetInt32() != 6) return -1; // 6 = ESTABLISHED
        foreach (var af in json.RootElement.GetProperty("afi_safis").EnumerateArray())
        {
            var f = af.GetProperty("config").GetProperty("family");
            if (f.GetProperty("afi").GetInt32() == (family == "ipv4" ? 1 : 2) && af.TryGetProperty("state", out var s) && s.TryGetProperty("received", out var r))
                return r.GetInt32();
        }
        return 0;
    }

    public void Dispose() => Tools.Stop(_process);
}
