using System.Text.Json;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// Community strip and add end to end on real parts: the generated frr.conf runs in a bgpd in one
/// network namespace; a peer bgpd in another announces routes tagged with its own communities.
/// Inbound the router strips them and adds 64496:1000; outbound it strips the community its own
/// route carries and adds 64496:2000 and no-export — read back from <c>show bgp ipv4 unicast
/// PREFIX json</c> on each side.
/// </summary>
public sealed class FrrCommunityLiveTests
{
    private const string Policy = """
        device edge platform frr {
            bgp as 64496 {
                router-id 192.0.2.2;
                neighbor 192.0.2.1 as 3333 {
                    max-prefix 100;
                    community in strip;
                    community in add 64496:1000;
                    community out strip;
                    community out add 64496:2000, no-export;
                }
            }
        }
        """;

    // The router's own route, tagged where it is originated (the test's addition to the generated
    // configuration): the outbound strip must remove 64496:9.
    private static string WithOwnRoute(string bgpd)
    {
        string tagged = "route-map TAG-OWN permit 10\n set community 64496:9\nexit\n!\n" + bgpd;
        tagged = ReplaceOnce(tagged, "router bgp 64496\n", "router bgp 64496\n no bgp network import-check\n");
        return ReplaceOnce(tagged, " address-family ipv4 unicast\n", " address-family ipv4 unicast\n  network 198.18.0.0/24 route-map TAG-OWN\n");
    }

    private static string ReplaceOnce(string text, string old, string replacement)
    {
        int at = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{old.Trim()}' is not in the configuration:\n{text}");
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + old.Length));
    }

    private const string PeerConfig = """
        route-map OUT permit 10
         set community 3333:100 3333:200 65535:666
        exit
        router bgp 3333
         bgp router-id 192.0.2.1
         no bgp ebgp-requires-policy
         no bgp network import-check
         neighbor 192.0.2.2 remote-as 64496
         address-family ipv4 unicast
          network 203.0.113.0/24
          neighbor 192.0.2.2 send-community
          neighbor 192.0.2.2 route-map OUT out
         exit-address-family
        exit
        """;

    [Fact]
    public void Communities_are_stripped_and_added_in_both_directions()
    {
        string config = FrrCompile.Config(Policy, "edge");
        FrrCompile.HasBlock(config, "route-map PK-IN-192-0-2-1 permit 100", " set community 64496:1000");
        FrrCompile.HasBlock(config, "route-map PK-OUT-192-0-2-1 permit 10", " set community 64496:2000 65535:65281");
        using var temp = new TempDirectory();
        using var lab = new BgpLab(temp.Path);
        string router = lab.StartBgpd(lab.Router, "router", WithOwnRoute(FrrConfigSplitter.Split(config).Bgpd));
        string peer = lab.StartBgpd(lab.Peer, "peer", PeerConfig);

        var deadline = DateTime.UtcNow.AddSeconds(90);
        string? inbound = null, outbound = null;
        while (DateTime.UtcNow < deadline && (inbound is null || outbound is null))
        {
            inbound = Communities(router, "203.0.113.0/24");
            outbound = Communities(peer, "198.18.0.0/24");
            Thread.Sleep(500);
        }
        string state = $"router:\n{BgpLab.Vtysh(router, "show bgp ipv4 unicast 203.0.113.0/24")}\npeer:\n{BgpLab.Vtysh(peer, "show bgp ipv4 unicast 198.18.0.0/24")}\n{lab.Logs()}";
        Assert.True(inbound == "64496:1000", $"inbound communities '{inbound}', expected 64496:1000 only; {state}");
        Assert.True(outbound == "64496:2000 no-export", $"outbound communities '{outbound}', expected 64496:2000 no-export only; {state}");
    }

    /// <summary>The community string of the best path of <paramref name="prefix"/>; "" when it has none, null while the route is not there.</summary>
    private static string? Communities(string directory, string prefix)
    {
        string text = BgpLab.Vtysh(directory, $"show bgp ipv4 unicast {prefix} json");
        if (text.Length == 0) return null;
        using var json = JsonDocument.Parse(text);
        if (!json.RootElement.TryGetProperty("paths", out var paths) || paths.GetArrayLength() == 0) return null;
        var best = paths.EnumerateArray().First();
        return best.TryGetProperty("community", out var community) && community.TryGetProperty("string", out var value) ? value.GetString() : "";
    }
}
