using static PolicyKit.Compiler.Tests.Fidelity.FidelityCompile;

namespace PolicyKit.Compiler.Tests.Fidelity;

/// <summary>
/// Issue 13, findings 1 and 2: the guide's "channel guide plus one channel" example. The device's
/// default limit is the limit of every interface that sets none, named or not (docs/language.md);
/// each platform writes it exactly or says it cannot (MP4001) — never an internal error.
/// </summary>
public sealed class MembershipLimitFidelityTests
{
    private static string Guide(string platform, string protocol = "igmp", bool withInterface = true) => $$"""
        groups channel-guides { {{(protocol == "igmp" ? "239.255.255.254" : "ff0e::1234")}}; }
        device r platform {{platform}} {
            {{protocol}} default-limit 1 except channel-guides;
            {{(withInterface ? $"interface \"Ethernet0\" {{ {protocol} {{ limit 2 except channel-guides; }} }}" : "")}}
        }
        """;

    public static TheoryData<string, string, bool> GuideVariants()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var protocol in new[] { "igmp", "mld" })
        foreach (var withInterface in new[] { true, false })
            data.Add("ios-xe", protocol, withInterface);
        return data;
    }

    [Theory]
    [MemberData(nameof(GuideVariants))]
    public void IosXe_reports_the_default_it_cannot_give_unnamed_interfaces_instead_of_crashing(string target, string protocol, bool withInterface)
    {
        string policy = Guide(target, protocol, withInterface);
        var check = Compile(policy, target);
        Assert.True(check.HasErrors);
        var d = Unsupported(check, $"{protocol} default-limit on interfaces the policy does not name");
        Assert.Contains("limit", d.Message, StringComparison.Ordinal);

        // Allowed anyway: compiled (no internal error), marked, and the named interface keeps its override.
        string output = OutputOf(policy, target, allowUnsupported: true);
        Assert.Contains($"UNSUPPORTED on ios-xe: {protocol} default-limit on interfaces the policy does not name", output, StringComparison.Ordinal);
        string prefix = protocol == "igmp" ? "ip igmp" : "ipv6 mld";
        if (withInterface) Assert.Contains($"{prefix} limit 2 except ", output, StringComparison.Ordinal);
        // Never a global line: IOS enforces the global ip igmp limit router-wide, a cap, not a default.
        Assert.DoesNotContain(ConfigLines(output, "!"), l => l.StartsWith($"{prefix} limit 1", StringComparison.Ordinal));
    }

    [Fact]
    public void IosXe_writes_the_router_wide_cap_as_the_guide_writes_its_global_line()
    {
        // What IOS really does with the guide's lines: a router-wide cap plus the interface override.
        string output = OutputOf("""
            groups channel-guides { 239.255.255.254; }
            device r platform ios-xe {
                igmp limit 1 except channel-guides;
                interface "Ethernet0" { igmp { limit 2 except channel-guides; } }
            }
            """, "ios-xe");
        var lines = ConfigLines(output, "!");
        Assert.Contains("ip igmp limit 1 except PK-CHANNEL-GUIDES-EXCEPT", lines);
        Assert.Contains("ip igmp limit 2 except PK-CHANNEL-GUIDES-EXCEPT", lines);
    }

    [Fact]
    public void IosXr_and_Junos_write_a_default_every_interface_inherits()
    {
        string xr = OutputOf(Guide("ios-xr").Replace(" except channel-guides", "", StringComparison.Ordinal), "ios-xr");
        Assert.Contains(ConfigLines(xr, "!"), l => l.StartsWith("maximum groups-per-interface 1 ", StringComparison.Ordinal));
        string junos = OutputOf(Guide("junos").Replace(" except channel-guides", "", StringComparison.Ordinal), "junos");
        var lines = ConfigLines(junos, "#");
        Assert.Contains("set protocols igmp interface all group-limit 1", lines);
        Assert.Contains("set protocols igmp interface Ethernet0.0 group-limit 2", lines);
    }

    [Fact]
    public void Junos_writes_the_default_for_every_interface_even_when_none_is_named()
    {
        string junos = OutputOf("""
            device r platform junos { igmp default-limit 3; mld default-limit 4; }
            """, "junos");
        var lines = ConfigLines(junos, "#");
        Assert.Contains("set protocols igmp interface all group-limit 3", lines);
        Assert.Contains("set protocols mld interface all group-limit 4", lines);
    }
}
