using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Emit;
using static PolicyKit.Compiler.Diagnostics.DiagnosticSeverity;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>MP4xxx: what a device's platform can express, and what compiling for it needs. One test per code, named after it.</summary>
public sealed class PlatformDiagnosticTests
{
    private const string FrrRouteLimit = """
        device pe-1 platform frr {
            sap-listen off;
            mroute-limit 20000 warn 18000;
        }
        """;

    [Fact]
    public void MP4001_unsupported_on_platform()
    {
        var d = PolicyAssert.Case("MP4001", Error, 3, 5,
            """
            device pe-1 platform frr {
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { max-prefix 1000; } }
                mroute-limit 20000 warn 18000;
            }
            """,
            fix: [("platform frr", "platform ios-xe")]);
        Assert.Equal("mroute-limit cannot be expressed on frr (device 'pe-1'): FRR 8.4 pimd has no multicast route limit", d.Message);
    }

    [Fact]
    public void MP4001_every_unsupported_construct_is_reported_never_dropped()
    {
        // FRR can neither switch SAP listening off nor limit multicast routes: two findings.
        var result = PolicyAssert.Check(FrrRouteLimit);
        PolicyAssert.Reports(result, "MP4001", Error, 2, 5);
        PolicyAssert.Reports(result, "MP4001", Error, 3, 5);
        Assert.Equal(2, result.Diagnostics.Count(d => d.Code == "MP4001"));
    }

    [Fact]
    public void MP4001_is_a_warning_with_allow_unsupported()
    {
        var result = PolicyAssert.Check(FrrRouteLimit, options: PolicyAssert.Options with { AllowUnsupported = true });
        PolicyAssert.Reports(result, "MP4001", Warning, 3, 5);
        PolicyAssert.NoErrors(result);
    }

    [Fact]
    public void MP4002_secret_unavailable()
    {
        // Checking never reads secrets; compiling does, and a missing one is reported at its reference.
        const string policy = """
            device border platform ios-xe {
                bgp as 64496 {
                    neighbor 198.51.100.1 as 64500 { auth md5 secret env("BGP_AS64500"); }
                }
            }
            """;
        var check = PolicyAssert.Check(policy);
        PolicyAssert.NoErrors(check);
        var secret = check.Model!.Devices.Single().Bgp!.Neighbors.Single().Auth!.Secret!;

        var bag = new DiagnosticBag();
        new SecretResolver(new EmitOptions { Environment = _ => null }, bag).Resolve(secret);
        var missing = new CheckResult(PolicyAssert.FileName, null, bag.ToList(), check.Files);
        var d = PolicyAssert.Reports(missing, "MP4002", Error, 3, 58);
        Assert.Equal("secret env(\"BGP_AS64500\") is not available: the environment variable is not set", d.Message);

        var present = new DiagnosticBag();
        string value = new SecretResolver(new EmitOptions { Environment = name => name == "BGP_AS64500" ? "s3cret" : null }, present).Resolve(secret);
        Assert.Equal("s3cret", value);
        Assert.Equal(0, present.Count);
    }

    private static Diagnostic CompileWith(string policy, string value)
    {
        var check = PolicyAssert.Check(policy);
        PolicyAssert.NoErrors(check);
        var secret = check.Model!.Devices.Single().Bgp!.Neighbors.Single().Auth!.Secret!;
        var bag = new DiagnosticBag();
        string written = new SecretResolver(new EmitOptions { Environment = _ => value }, bag, check.Model.Devices.Single().Platform.Keyword()).Resolve(secret);
        Assert.Equal(string.Empty, written);
        return Assert.Single(bag.ToList());
    }

    [Fact]
    public void MP4020_secret_value_unusable()
    {
        const string policy = """
            device border platform ios-xe {
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth md5 secret env("BGP_AS64500"); } }
            }
            """;
        var d = CompileWith(policy, "abc\n neighbor 203.0.113.66 remote-as 666");
        Assert.Equal(("MP4020", Error), (d.Code, d.Severity));
        Assert.Equal((2, 69), d.Span.StartLineColumn);
        Assert.Equal("secret env(\"BGP_AS64500\") cannot be used: it holds a line break", d.Message);
        Assert.Equal("secret env(\"BGP_AS64500\") cannot be used: it is empty", CompileWith(policy, "").Message);
    }

    [Fact]
    public void MP4021_secret_value_the_platform_cannot_take()
    {
        const string policy = """
            device edge platform frr {
                bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth md5 secret env("K"); } }
            }
            """;
        var d = CompileWith(policy, "two words");
        Assert.Equal(("MP4021", Error), (d.Code, d.Severity));
        Assert.Equal("secret env(\"K\") cannot be written for frr: FRR takes the password as one word: it holds a space", d.Message);
        Assert.DoesNotContain("two words", d.Message + d.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void MP4003_interface_name_not_valid_on_linux()
    {
        var d = PolicyAssert.Case("MP4003", Error, 2, 5,
            """
            device edge-1 platform linux {
                interface "GigabitEthernet0/0/1" { pim { bsr-border; } }
            }
            """,
            fix: [("GigabitEthernet0/0/1", "eth1")]);
        Assert.Equal("\"GigabitEthernet0/0/1\" is not a valid interface name on linux: Linux names are at most 15 bytes", d.Message);
    }

    [Theory]
    [InlineData("eth0/1", "Linux names cannot contain '/'")]
    [InlineData("my port", "Linux names cannot contain spaces")]
    [InlineData("bond0.100", null)]
    public void MP4003_reasons(string name, string? reason) =>
        Assert.Equal(reason, PolicyKit.Compiler.Checks.InterfaceNameCheck.Reason(name));

    // Issue 13, finding 10: "keys should be selected to be difficult for attackers to guess".
    [Fact]
    public void MP4004_weak_secret_is_reported_at_compile_time_without_its_value()
    {
        const string Policy = """
            device r platform ios-xe {
                bgp as 64496 { neighbor 198.51.100.1 as 64510 { max-prefix 100; auth md5 secret env("K1"); prefix-filter in f; } }
            }
            filter f { permit any; }
            """;
        var weak = Fidelity.FidelityCompile.Compile(Policy, ["ios-xe"], environment: _ => "cisco123");
        var d = Assert.Single(weak.Diagnostics, d => d.Code == "MP4004");
        Assert.Equal(2, d.Span.StartLineColumn.Line);
        Assert.DoesNotContain("cisco123", d.Message + d.Hint, StringComparison.Ordinal);
        Assert.Contains("env(\"K1\")", d.Message, StringComparison.Ordinal);
        var strong = Fidelity.FidelityCompile.Compile(Policy, ["ios-xe"], environment: _ => "q7#Vf2!mZ9@rT4$wXk8L");
        Assert.DoesNotContain(strong.Diagnostics, x => x.Code == "MP4004");
    }
}
