using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Model;
using PolicyKit.Tables.Format;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// <c>audit;</c> (docs/language.md#audit, docs/targets.md#audit): the agent table marks the scopes
/// in audit; every router configuration leaves their rules out — the router admits — and names
/// each one in an AUDIT comment, so nothing is dropped silently; other scopes are unchanged.
/// </summary>
public sealed class AuditTests
{
    private const string Policy = """
        groups tv { 239.1.0.0/16; }
        groups scoped { 239.192.0.0/10; }
        filter joins { permit groups tv; }
        profile watched {
            audit;
            igmp { access joins; limit 2; }
        }
        device r1 platform PLATFORM {
            interface "eth1" uses watched;
            interface "eth2" { igmp { access joins; limit 3; } state-limit rpf 20; audit; }
            interface "eth3" { igmp { access joins; limit 4; } }
        }
        device r2 platform PLATFORM {
            audit;
            mroute-limit 500;
            group-range deny groups scoped;
            interface "eth1" { igmp { access joins; limit 5; } }
        }
        """;

    public static TheoryData<string> Platforms() => new(Enum.GetValues<Platform>().Select(p => p.Keyword()));

    private static CompileResult Compile(string platform, string target)
    {
        var files = new Dictionary<string, string> { ["audit.mpol"] = Policy.Replace("PLATFORM", platform, StringComparison.Ordinal) };
        var result = PolicyEmitter.Compile("audit.mpol", [target], new CompilationOptions { Today = new(2026, 11, 23), AllowUnsupported = true },
            new EmitOptions(), new InMemoryPolicyFileReader(files));
        Assert.True(!result.HasErrors, string.Join("\n", result.Diagnostics.Where(d => d.IsError).Select(d => $"{d.Span} {d.Code} {d.Message}")));
        return result;
    }

    [Theory]
    [MemberData(nameof(Platforms))]
    public void Every_configuration_leaves_the_audited_rules_out_and_names_each_one(string platform)
    {
        foreach (var emitter in Emitters.All.Where(e => e.Serves(Enum.GetValues<Platform>().Single(p => p.Keyword() == platform))))
        {
            var result = Compile(platform, emitter.Target);
            var r1 = result.Files.Single(f => f.Device == "r1").Content;
            var r2 = result.Files.Single(f => f.Device == "r2").Content;
            string audit = $"AUDIT, not enforced on {emitter.Target}: ";
            foreach (string line in new[]
            {
                "interface eth1: igmp access filter (audit.mpol:3)", "interface eth1: igmp interface limit (audit.mpol:6)",
                "interface eth2: igmp access filter (audit.mpol:3)", "interface eth2: igmp interface limit (audit.mpol:10)", "interface eth2: state-limit (audit.mpol:10)",
            })
            {
                Assert.Contains(audit + line, r1, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("interface eth3:", r1, StringComparison.Ordinal);
            foreach (string line in new[] { "device: mroute-limit (audit.mpol:15)", "device: group-range (audit.mpol:16)", "interface eth1: igmp interface limit (audit.mpol:17)" })
            {
                Assert.Contains(audit + line, r2, StringComparison.Ordinal);
            }

            // What stays: eth3's limit of 4 (in the platform's own words) is written; the audited limits 2, 3, 5 and the route limit 500 are not.
            string body = string.Join('\n', r1.Split('\n').Where(l => !l.StartsWith(emitter.Target == "junos" ? "#" : r1[..1], StringComparison.Ordinal)));
            string body2 = string.Join('\n', r2.Split('\n').Where(l => !l.StartsWith(emitter.Target == "junos" ? "#" : r2[..1], StringComparison.Ordinal)));
            Assert.DoesNotContain("500", body2, StringComparison.Ordinal);
            if (Enforces(emitter.Target, platform))
            {
                Assert.Matches(@"\b4\b", body);
                Assert.DoesNotMatch(@"limit\D{0,40}\b[23]\b", body);
            }
        }
    }

    /// <summary>The backends that write IGMP interface limits at all (the others report them unsupported or leave them to the agent).</summary>
    private static bool Enforces(string target, string platform) => target is "ios-xe" or "ios-xr" or "junos" && platform is "ios-xe" or "ios-xr" or "junos";

    [Fact]
    public void The_agent_table_marks_the_scopes_in_audit_by_where_the_policy_says_so()
    {
        var result = Compile("linux", "agent");
        var r1 = TableReader.Load(result.Files.Single(f => f.Device == "r1" && f.FileName.EndsWith(".mpt", StringComparison.Ordinal)).Bytes!);
        Assert.Equal("1.2", r1.File.Version);
        Assert.Equal(-1, r1.Table.Router.AuditLocation);
        var audits = r1.Table.Interfaces.Select(i => (i.Name, i.InAudit ? r1.Table.LocationText(i.AuditLocation) : "")).ToList();
        Assert.Equal([("eth1", "audit.mpol:5:5"), ("eth2", "audit.mpol:10:76"), ("eth3", "")], audits);
        var r2 = TableReader.Load(result.Files.Single(f => f.Device == "r2" && f.FileName.EndsWith(".mpt", StringComparison.Ordinal)).Bytes!);
        Assert.Equal("audit.mpol:14:5", r2.Table.LocationText(r2.Table.Router.AuditLocation));
    }

    [Fact]
    public void A_policy_without_audit_keeps_its_table_bytes()
    {
        var files = new Dictionary<string, string> { ["p.mpol"] = Policy.Replace("PLATFORM", "linux", StringComparison.Ordinal).Replace("audit;", "", StringComparison.Ordinal) };
        var result = PolicyEmitter.Compile("p.mpol", ["agent", "nftables"], new CompilationOptions { Today = new(2026, 11, 23) }, new EmitOptions(), new InMemoryPolicyFileReader(files));
        foreach (var file in result.Files.Where(f => f.FileName.EndsWith(".mpt", StringComparison.Ordinal)))
        {
            var loaded = TableReader.Load(file.Bytes!);
            Assert.Equal("1.1", loaded.File.Version);
            Assert.DoesNotContain(loaded.File.Sections, s => s.Id == SectionId.Audit);
        }
        Assert.DoesNotContain(result.Files, f => f.Content.Contains("AUDIT", StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_written_twice_in_one_block_is_a_duplicate_setting()
    {
        var check = Diagnostics.PolicyAssert.Check("device r1 platform linux { interface \"eth1\" { audit; audit; } }\n");
        Assert.Contains(check.Diagnostics, d => d.Code == "MP2005" && d.IsError);
        check = Diagnostics.PolicyAssert.Check("device r1 platform linux { audit; audit; }\n");
        Assert.Contains(check.Diagnostics, d => d.Code == "MP2005" && d.IsError);
    }
}
