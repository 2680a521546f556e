using PolicyKit.Compiler.Tests.Cli;
using static PolicyKit.Compiler.Tests.Fidelity.FidelityCompile;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>
/// Issue 16, ownership: a policy names the site objects PolicyKit may take the place of
/// (<c>takeover</c>) or run after its own (<c>compose loopback-filter</c>); without either, an output
/// that takes the place of the site's loopback filter says so (MP4031), and a plan refuses (MP4030).
/// </summary>
public sealed class OwnershipDiagnosticTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Junos = """
        sources core { 10.20.0.0/29; }
        filter infra { permit protocol pim from core; deny protocol pim; permit any; }
        device r platform junos {
            control-plane { filter infra; rate-limit pim 100 pps; }
        }
        """;

    [Theory]
    [InlineData("PK-R-LO0", "names starting with PK- are PolicyKit's own")]
    [InlineData("SITE LO0", "one word")]
    [InlineData("", "it is empty")]
    public void MP3060_takeover_or_compose_names_something_that_is_not_a_site_object(string name, string reason)
    {
        foreach (var statement in new[] { $"takeover \"{name}\";", $"compose loopback-filter \"{name}\";" })
        {
            var result = PolicyAssert.Check(Junos.Replace("control-plane", statement + "\n    control-plane", StringComparison.Ordinal));
            var d = PolicyAssert.Reports(result, "MP3060", Compiler.Diagnostics.DiagnosticSeverity.Error, 4, statement.StartsWith("takeover", StringComparison.Ordinal) ? 14 : 29);
            Assert.Contains(reason, d.Message, StringComparison.Ordinal);
        }
        PolicyAssert.DoesNotReport(PolicyAssert.Check(Junos.Replace("control-plane", "takeover \"SITE-LO0\";\n    control-plane", StringComparison.Ordinal)), "MP3060");
    }

    [Fact]
    public void MP4031_the_loopback_filter_takes_the_place_of_the_sites_unless_composed_or_taken_over()
    {
        var bare = Compile(Junos, ["junos"]);
        var d = Assert.Single(bare.Diagnostics, d => d.Code == "MP4031");
        Assert.Equal((4, 5), d.Span.StartLineColumn);
        Assert.Contains("PK-R-LO0", d.Message, StringComparison.Ordinal);
        foreach (var statement in new[] { "takeover \"SITE-LO0\";", "compose loopback-filter \"SITE-LO0\";" })
        {
            var declared = Compile(Junos.Replace("control-plane", statement + "\n    control-plane", StringComparison.Ordinal), ["junos"]);
            Assert.DoesNotContain(declared.Diagnostics, x => x.Code == "MP4031");
        }
    }

    private const string Sources = """
        sources core { 10.20.0.0/29; }
        filter edge { permit sources core; deny any; }
        filter infra { permit protocol pim from core; deny protocol pim; permit any; }

        """;

    private static Compiler.Diagnostics.Diagnostic SlotsOf(Compiler.Emit.CompileResult result, string device)
    {
        var d = Assert.Single(result.Diagnostics, d => d.Code == "MP4032");
        Assert.Equal(Compiler.Diagnostics.DiagnosticSeverity.Info, d.Severity);
        Assert.Contains($"output of '{device}'", d.Message, StringComparison.Ordinal);
        Assert.Equal("apply through `mpolc plan` (it refuses, MP4030, when the router holds its own object there) or name it with `takeover`", d.Hint);
        return d;
    }

    [Fact]
    public void MP4032_an_interface_acl_takes_the_place_of_the_sites_on_ios_xe_once_per_device_listing_the_places()
    {
        const string Policy = Sources + """
            device r platform ios-xe {
                interface "GigabitEthernet1" { source-filter edge; }
                interface "GigabitEthernet2" { source-filter edge; }
                control-plane { filter infra; }
            }
            """;
        var d = SlotsOf(Compile(Policy, ["ios-xe"]), "r");
        Assert.Equal((4, 8), d.Span.StartLineColumn);
        Assert.Contains("in 5 places", d.Message, StringComparison.Ordinal);
        Assert.Contains("interface GigabitEthernet1: ip access-group … in, ipv6 traffic-filter … in; ", d.Message, StringComparison.Ordinal);
        Assert.Contains("interface GigabitEthernet2: ip access-group … in, ipv6 traffic-filter … in; ", d.Message, StringComparison.Ordinal);
        Assert.Contains("control-plane: service-policy input …", d.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PK-", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MP4032_a_takeover_on_the_interface_covers_that_interface_and_one_on_the_device_covers_all()
    {
        const string Policy = Sources + """
            device r platform ios-xe {
                DEVICE
                interface "GigabitEthernet1" { source-filter edge; IFACE }
                interface "GigabitEthernet2" { source-filter edge; }
            }
            """;
        var one = SlotsOf(Compile(Policy.Replace("DEVICE", "", StringComparison.Ordinal).Replace("IFACE", "takeover \"SITE-IN\";", StringComparison.Ordinal), ["ios-xe"]), "r");
        Assert.Contains("in 2 places", one.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("GigabitEthernet1:", one.Message, StringComparison.Ordinal);
        Assert.Contains("interface GigabitEthernet2: ip access-group … in", one.Message, StringComparison.Ordinal);

        var all = Compile(Policy.Replace("DEVICE", "takeover \"SITE-IN\";", StringComparison.Ordinal).Replace("IFACE", "", StringComparison.Ordinal), ["ios-xe"]);
        Assert.DoesNotContain(all.Diagnostics, x => x.Code == "MP4032");
    }

    [Fact]
    public void MP4032_an_interface_acl_on_ios_xr()
    {
        const string Policy = Sources + """
            device r platform ios-xr { interface "GigabitEthernet0/0/0/1" { source-filter edge; } }
            """;
        var d = SlotsOf(Compile(Policy, ["ios-xr"]), "r");
        Assert.Contains("interface GigabitEthernet0/0/0/1: ipv4 access-group … ingress", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MP4032_a_junos_interface_filter_but_not_the_loopback_filter_which_is_MP4031s()
    {
        const string Policy = Sources + """
            device r platform junos {
                interface "ge-0/0/1.0" { source-filter edge; }
                COMPOSE
                control-plane { filter infra; }
            }
            """;
        foreach (var compose in new[] { "", "compose loopback-filter \"SITE-LO0\";" })
        {
            var result = Compile(Policy.Replace("COMPOSE", compose, StringComparison.Ordinal), ["junos"]);
            var d = SlotsOf(result, "r");
            Assert.Contains("interfaces ge-0/0/1 unit 0 family inet filter input …", d.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("lo0", d.Message, StringComparison.Ordinal);
            Assert.Equal(compose.Length == 0, result.Diagnostics.Any(x => x.Code == "MP4031"));
        }
    }

    [Fact]
    public void MP4032_a_bgp_neighbors_prefix_list_on_frr()
    {
        const string Policy = """
            include "std/bogons.mpol";
            device r platform frr {
                bgp as 64510 { neighbor 192.0.2.1 as 64511 { prefix-filter in std.bogon-filter-in; } }
            }
            """;
        var d = SlotsOf(Compile(Policy, ["frr"]), "r");
        Assert.Contains("neighbor 192.0.2.1 prefix-list … in", d.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The class: in every example, every configuration file (every platform mpolc plan serves)
    /// that binds PolicyKit's objects where the router may hold its own has its MP4032, counting
    /// every such place outside the Junos loopback filter (MP4031's) — none is left unsaid.
    /// </summary>
    [Fact]
    public void MP4032_every_example_file_that_binds_a_place_says_so_once()
    {
        foreach (var name in Golden.ExampleCompiler.Names())
        {
            var result = Golden.ExampleCompiler.CompileAllTargets(name);
            Assert.False(result.HasErrors, name + ":\n" + Golden.ExampleCompiler.Errors(result));
            foreach (var file in result.Files.Where(f => Plan.DeploymentPlan.Platforms.Contains(f.Target)))
            {
                int places = Plan.DeploymentPlan.Bindings(file.Target, file.Content)
                    .Count(l => !l.Text.StartsWith("set interfaces lo0 ", StringComparison.Ordinal));
                var said = result.Diagnostics.Where(d => d.Code == "MP4032" && d.Message.Contains($"the {file.Target} output of '{file.Device}' ", StringComparison.Ordinal)).ToList();
                if (places == 0)
                {
                    Assert.Empty(said);
                    continue;
                }
                var d = Assert.Single(said);
                Assert.Contains($" in {places} place{(places == 1 ? "" : "s")} ", d.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_takeover_lets_mpolc_plan_replace_the_named_site_object()
    {
        const string Policy = """
            filter joins { permit groups 239.1.0.0/16; }
            device r platform ios-xe { interface "GigabitEthernet1" { igmp { access joins; } TAKEOVER } }
            """;
        string running = _dir.Write("running.cfg", "hostname r\ninterface GigabitEthernet1\n ip igmp access-group SITE-JOINS\n");
        string other = _dir.Write("other.mpol", Policy.Replace("TAKEOVER", "takeover \"SITE-OTHER\";", StringComparison.Ordinal));
        var refused = MpolcRunner.Run("plan", other, "--device", "r", "--running", running);
        Assert.True(refused.ExitCode == 1 && refused.Stderr.Contains("MP4030", StringComparison.Ordinal), refused.ToString());

        // A takeover is for its own interface: the name on another interface does not let the plan replace it here.
        string elsewhere = _dir.Write("elsewhere.mpol", Policy.Replace("TAKEOVER }", "}\n    interface \"GigabitEthernet2\" { takeover \"SITE-JOINS\"; }", StringComparison.Ordinal));
        var scoped = MpolcRunner.Run("plan", elsewhere, "--device", "r", "--running", running);
        Assert.True(scoped.ExitCode == 1 && scoped.Stderr.Contains("MP4030", StringComparison.Ordinal), scoped.ToString());

        string policy = _dir.Write("p.mpol", Policy.Replace("TAKEOVER", "takeover \"SITE-JOINS\";", StringComparison.Ordinal));
        var run = MpolcRunner.Run("plan", policy, "--device", "r", "--running", running);
        Assert.True(run.ExitCode == 4, run.ToString());
        Assert.Contains(" ip igmp access-group PK-JOINS-IGMP\n", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("SITE-JOINS", run.Stdout, StringComparison.Ordinal);
    }
}
