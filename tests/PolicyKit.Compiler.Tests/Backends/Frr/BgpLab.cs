using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// Two network namespaces the test creates, joined by a veth pair: the router under test (a
/// bgpd running the generated configuration, 192.0.2.2) and its eBGP peer (a bgpd the test
/// configures, 192.0.2.1). Processes started here are stopped by PID and the namespaces deleted
/// on dispose. Missing parts fail the test with one line naming what to install.
/// </summary>
internal sealed class BgpLab : IDisposable
{
    public const string RouterAddress = "192.0.2.2";
    public const string PeerAddress = "192.0.2.1";

    private readonly string _ip;
    private readonly List<(Process Process, StringBuilder Output, string Name)> _processes = [];
    private readonly string _work;

    public BgpLab(string work)
    {
        _work = work;
        var id = ProcessRunner.Run("id", ["-u"]);
        Assert.True(id.Output.Trim() == "0", "the live BGP tests create network namespaces: run them as root (as CI does)");
        _ip = new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("ip not found: install iproute2 (apt-get install iproute2)");
        FrrInstallation.Require();
        string suffix = Guid.NewGuid().ToString("N")[..6];
        Router = "pkrr" + suffix;
        Peer = "pkrp" + suffix;
        try
        {
            Ip("netns", "add", Router);
            Ip("netns", "add", Peer);
            Ip("link", "add", "vr" + suffix, "type", "veth", "peer", "name", "vp" + suffix);
            Ip("link", "set", "vr" + suffix, "netns", Router);
            Ip("link", "set", "vp" + suffix, "netns", Peer);
            foreach (var (ns, dev, address) in new[] { (Router, "vr" + suffix, RouterAddress), (Peer, "vp" + suffix, PeerAddress) })
            {
                Ip("-n", ns, "addr", "add", address + "/30", "dev", dev);
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
        var result = ProcessRunner.Run(_ip, args, TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode == 0, $"ip {string.Join(' ', args)}: {result.Output}");
    }

    /// <summary>Starts a program inside a namespace; it is stopped (by PID) on dispose.</summary>
    public void Start(string ns, string name, string program, params string[] args)
    {
        var (process, output) = ProcessRunner.Start(_ip, ["netns", "exec", ns, program, .. args]);
        _processes.Add((process, output, name));
    }

    /// <summary>Starts bgpd in a namespace with the given configuration and modules; returns its vty socket directory.</summary>
    public string StartBgpd(string ns, string name, string config, params string[] modules)
    {
        string directory = FrrInstallation.DaemonDirectory(_work);
        string file = Path.Combine(directory, "bgpd.conf");
        File.WriteAllText(file, config);
        var args = new List<string> { "-f", file, "-Z", "-S", "-P", "0", "-p", "179" };
        foreach (var module in modules) args.AddRange(["-M", module]);
        args.AddRange(["--vty_socket", directory, "-i", Path.Combine(directory, "bgpd.pid"), "--log", "stdout"]);
        Start(ns, name, FrrInstallation.Bgpd, [.. args]);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!File.Exists(Path.Combine(directory, "bgpd.vty")))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"bgpd {name} did not start:\n{Logs()}");
            Thread.Sleep(50);
        }
        return directory;
    }

    /// <summary>A vtysh command against one daemon's socket directory.</summary>
    public static string Vtysh(string directory, string command)
    {
        var result = ProcessRunner.Run(FrrInstallation.Vtysh, ["--vty_socket", directory, "-c", command], TimeSpan.FromSeconds(20));
        return result.ExitCode == 0 ? result.Output : "";
    }

    /// <summary>Reads the router's IPv4 routes every half second until <paramref name="expected"/> holds or <paramref name="timeout"/> has passed.</summary>
    public static bool Poll(string router, TimeSpan timeout, Func<Dictionary<string, JsonElement>, bool> expected, out Dictionary<string, JsonElement> routes)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            routes = Routes(router);
            if (expected(routes)) return true;
            if (DateTime.UtcNow >= deadline) return false;
            Thread.Sleep(500);
        }
    }

    /// <summary>The routes of <c>show bgp ipv4 unicast json</c>, by prefix (the best path of each), empty while bgpd has none.</summary>
    public static Dictionary<string, JsonElement> Routes(string directory)
    {
        string text = Vtysh(directory, "show bgp ipv4 unicast json");
        var routes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (text.Length == 0) return routes;
        using var json = JsonDocument.Parse(text);
        if (!json.RootElement.TryGetProperty("routes", out var table)) return routes;
        foreach (var route in table.EnumerateObject())
        {
            routes[route.Name] = route.Value.EnumerateArray().First().Clone();
        }
        return routes;
    }

    public string Logs() => string.Join("\n", _processes.Select(p => { lock (p.Output) return $"── {p.Name}\n{p.Output}"; }));

    public void Dispose()
    {
        foreach (var (process, _, _) in _processes) ProcessRunner.Stop(process);
        _processes.Clear();
        foreach (var ns in new[] { Router, Peer })
        {
            if (ns is not null) ProcessRunner.Run(_ip, ["netns", "del", ns], TimeSpan.FromSeconds(20));
        }
    }
}
