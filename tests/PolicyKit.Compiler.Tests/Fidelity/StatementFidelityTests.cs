using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Tests.Diagnostics;
using static PolicyKit.Compiler.Tests.Fidelity.FidelityCompile;

namespace PolicyKit.Compiler.Tests.Fidelity;

/// <summary>Issue 13, finding 9: statements that could be dropped, targets blocked for nothing, a literal that did not lex.</summary>
public sealed class StatementFidelityTests
{
    [Fact]
    public void An_ipv6_address_may_end_in_a_dotted_quad()
    {
        var check = PolicyAssert.Check("""
            sources mapped { ::ffff:192.0.2.1; 64:ff9b::198.51.100.0/120; 2001:db8::10.1.2.3; }
            """);
        PolicyAssert.NoErrors(check);
        var set = Assert.Single(check.Model!.Sets, s => s.Name == "mapped");
        Assert.Equal(["::ffff:192.0.2.1/128", "64:ff9b::c633:6400/120", "2001:db8::a01:203/128"], set.Addresses.Include.Select(e => e.Prefix.ToString()));
    }

    [Fact]
    public void The_agent_target_is_not_blocked_by_what_the_router_platform_cannot_write()
    {
        // IOS XR cannot write a state limit, the agent enforces it: --target agent compiles.
        const string Policy = """
            groups tv { 232.1.0.0/16; }
            device r platform ios-xr { interface "Hu0/0/0/1" { state-limit out 125 groups tv; } }
            """;
        var agentOnly = Compile(Policy, "agent");
        Assert.False(agentOnly.HasErrors, Describe(agentOnly.Diagnostics));
        Assert.Single(agentOnly.Files);
        // The router's own configuration still refuses it.
        Assert.Equal(1, Unsupported(Compile(Policy, ["ios-xr", "agent"]), "state-limit").Span.StartLineColumn.Line - 1);
    }
}

/// <summary>What the random-policy property test found (each kept as a plain test).</summary>
public sealed class RandomFindingsTests
{
    [Fact]
    public void Frr_reports_a_boundary_where_pim_is_off_instead_of_writing_one_frr_refuses()
    {
        // pimd refused the file: "Pim not enabled on this interface" for ip multicast boundary oil.
        const string Policy = """
            device r platform frr { interface "eth1" { pim { disabled; } boundary deny groups 239.0.0.0/8; } }
            """;
        var result = Compile(Policy, "frr");
        Assert.Equal(1, Unsupported(result, "boundary on an interface without pim").Span.StartLineColumn.Line);
        string output = OutputOf(Policy, "frr", allowUnsupported: true);
        Assert.DoesNotContain(ConfigLines(output, "!"), l => l.StartsWith("ip multicast boundary", StringComparison.Ordinal));
        // On a Linux box the nftables ruleset holds it: no error there.
        Assert.False(Compile(Policy.Replace("platform frr", "platform linux", StringComparison.Ordinal), ["frr", "nftables"]).HasErrors);
    }
}
