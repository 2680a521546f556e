using System.Text.Json;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// RPKI origin validation end to end on real parts: the generated frr.conf runs in a bgpd (with
/// Debian's rpki module) in one network namespace, reading VRPs from a real RTR cache (stayrtr,
/// fed a JSON file this test writes) on that namespace's loopback; a second bgpd in another
/// namespace announces a valid, an invalid and a not-found route. What the router keeps, rejects
/// and marks is read back from <c>show bgp ipv4 unicast json</c>; rewriting the VRP file changes it.
/// </summary>
public sealed class FrrRpkiLiveTests
{
    private const int RtrPort = 8323;

    private const string Policy = """
        device edge platform frr {
            rpki { cache 127.0.0.1 port 8323 refresh 5s; }
            bgp as 64496 {
                router-id 192.0.2.2;
                neighbor 192.0.2.1 as 64510 {
                    max-prefix 100;
                    rpki invalid reject;
                    rpki not-found local-preference 50 community 64496:65001;
                    rpki valid local-preference 200;
                }
            }
        }
        """;

    private const string PeerConfig = """
        router bgp 64510
         bgp router-id 192.0.2.1
         no bgp ebgp-requires-policy
         no bgp network import-check
         neighbor 192.0.2.2 remote-as 64496
         address-family ipv4 unicast
          network 203.0.113.0/24
          network 198.51.100.0/24
          network 100.64.10.0/24
         exit-address-family
        exit
        """;

    private const string Valid = "203.0.113.0/24", Invalid = "198.51.100.0/24", NotFound = "100.64.10.0/24";

    [Fact]
    public void Invalid_routes_are_rejected_not_found_marked_valid_preferred_and_a_new_vrp_file_changes_the_outcome()
    {
        FrrInstallation.Require(); // with bgpd's RPKI module
        string stayrtr = new[] { "/usr/bin/stayrtr", "/usr/local/bin/stayrtr" }.FirstOrDefault(File.Exists)
            ?? throw new Xunit.Sdk.XunitException("stayrtr is missing: install stayrtr (apt-get install stayrtr)");

        string config = FrrCompile.Config(Policy, "edge");
        using var temp = new TempDirectory();
        using var lab = new BgpLab(temp.Path);

        // The VRPs: 203.0.113.0/24 is AS64510's (valid), 198.51.100.0/24 someone else's (invalid), 100.64.10.0/24 has no ROA.
        string vrps = Path.Combine(temp.Path, "vrps.json");
        WriteVrps(vrps, (Valid, 64510), (Invalid, 64666));
        lab.Start(lab.Router, "stayrtr", stayrtr, "-cache", vrps, "-bind", $"127.0.0.1:{RtrPort}", "-checktime=false", "-refresh", "1",
            "-metrics.addr", "127.0.0.1:9847");

        string router = lab.StartBgpd(lab.Router, "router", FrrConfigSplitter.Split(config).Bgpd, "rpki");
        lab.StartBgpd(lab.Peer, "peer", PeerConfig);

        var first = Await(router, lab, "the first VRP set", routes =>
            Preference(routes, Valid) == 200 && !routes.ContainsKey(Invalid) && Preference(routes, NotFound) == 50);
        Assert.Equal([NotFound, Valid], first.Keys.Order(StringComparer.Ordinal));
        string detail = BgpLab.Vtysh(router, $"show bgp ipv4 unicast {NotFound} json");
        Assert.Contains("64496:65001", detail, StringComparison.Ordinal);

        // New VRPs: 198.51.100.0/24 becomes AS64510's, 203.0.113.0/24 loses its ROA.
        WriteVrps(vrps, (Invalid, 64510));
        Func<Dictionary<string, JsonElement>, bool> rewritten = routes =>
            Preference(routes, Invalid) == 200 && Preference(routes, Valid) == 50 && Preference(routes, NotFound) == 50;
        // bgpd re-validates by itself when the cache's data changes; on a starved machine (load 40
        // on 2 cores) it was seen to apply the new prefix table without re-admitting the route it
        // had rejected. An inbound soft refresh (the session stays up) then runs the same
        // generated route-map over the kept Adj-RIB-In, which is what this test is about.
        if (!BgpLab.Poll(router, TimeSpan.FromSeconds(30), rewritten, out _)) BgpLab.Vtysh(router, "clear bgp ipv4 unicast * soft in");
        Await(router, lab, "the rewritten VRP file", rewritten);
    }

    /// <summary>Polls the router's table (bounded) until it shows the expected outcome.</summary>
    private static Dictionary<string, JsonElement> Await(string router, BgpLab lab, string what, Func<Dictionary<string, JsonElement>, bool> expected)
    {
        if (BgpLab.Poll(router, TimeSpan.FromSeconds(90), expected, out var routes)) return routes;
        Assert.Fail($"after {what}, the router's routes never matched the policy; last seen:\n" +
            string.Join("\n", routes.Select(r => $"{r.Key}: {r.Value}")) +
            $"\n\nrpki:\n{BgpLab.Vtysh(router, "show rpki cache-connection")}\n{BgpLab.Vtysh(router, "show rpki prefix-table")}\n\n{lab.Logs()}");
        return routes;
    }


    private static int? Preference(Dictionary<string, JsonElement> routes, string prefix) =>
        routes.TryGetValue(prefix, out var route) ? route.TryGetProperty("locPrf", out var p) ? p.GetInt32() : 100 : null;

    /// <summary>Writes the VRP JSON stayrtr reads, atomically (a new file renamed over the old).</summary>
    private static void WriteVrps(string path, params (string Prefix, long Asn)[] roas)
    {
        var document = new
        {
            metadata = new { counts = roas.Length, generated = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), valid = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds() },
            roas = roas.Select(r => new { prefix = r.Prefix, maxLength = int.Parse(r.Prefix.Split('/')[1]), asn = $"AS{r.Asn}", ta = "test" }).ToArray(),
        };
        string staging = path + ".new";
        File.WriteAllText(staging, JsonSerializer.Serialize(document));
        File.Move(staging, path, overwrite: true);
    }
}
