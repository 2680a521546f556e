using PolicyKit.Compiler.Tests.Irr;
using static PolicyKit.Compiler.Diagnostics.DiagnosticSeverity;

namespace PolicyKit.Compiler.Tests.Diagnostics;

/// <summary>IRR-built prefix sets: MP2052–MP2058 (data and resolution), MP3082–MP3084 (the lock file). One test per code, named after it.</summary>
public sealed class IrrDiagnosticTests
{
    // The object name string starts at column 28.
    private const string Policy = """
        prefixes customer from irr "AS-CUSTOMERS" {
            rpsl "customers.db";
            limit 100;
        }
        """;

    private static readonly Dictionary<string, string> Data = new(StringComparer.Ordinal)
    {
        ["customers.db"] = RpslFixtures.Customers,
        ["bad.db"] = "route: 10.0.0.0/8\norigin: AS64501\nthis is garbage\n\nas-set: AS-CUSTOMERS\nmembers: AS64501\n",
        ["partial.db"] = "as-set: AS-X\nmembers: AS64501, AS-ELSEWHERE\n\nroute: 192.0.2.0/24\norigin: AS64501\n",
        ["cycle.db"] = RpslFixtures.Cycle,
        ["empty.db"] = "as-set: AS-EMPTY\nmembers: AS65000\n",
    };

    private static Dictionary<string, string> With(string path, string text) => new(Data, StringComparer.Ordinal) { [path] = text };

    [Fact]
    public void MP2052_rpsl_data_that_cannot_be_read()
    {
        var d = PolicyAssert.Case("MP2052", Error, 1, 28, Policy.Replace("customers.db", "missing.db", StringComparison.Ordinal), fix: [("missing.db", "customers.db")], files: Data);
        Assert.StartsWith("prefixes set 'customer' cannot read its RPSL data 'missing.db':", d.Message, StringComparison.Ordinal);
        // Data is confined as includes are: nothing outside the policy's folder tree is read.
        var outside = PolicyAssert.Check(Policy.Replace("customers.db", "../../../../../../etc/passwd", StringComparison.Ordinal), Data);
        var refusal = PolicyAssert.Reports(outside, "MP2052", Error, 1, 28);
        Assert.Contains("outside the policy's folder", refusal.Message, StringComparison.Ordinal);
        // Neither 'rpsl' nor --rpsl: said so.
        var none = PolicyAssert.Check(Policy.Replace("rpsl \"customers.db\";", "", StringComparison.Ordinal), Data);
        Assert.Contains("names no 'rpsl' data", PolicyAssert.Reports(none, "MP2052", Error, 1, 28).Message, StringComparison.Ordinal);
        // --rpsl gives it.
        PolicyAssert.NoErrors(PolicyAssert.Check(Policy.Replace("rpsl \"customers.db\";", "", StringComparison.Ordinal), Data, PolicyAssert.Options with { RpslPaths = ["customers.db"] }));
    }

    [Fact]
    public void MP2053_rpsl_syntax_error_at_the_line_of_the_data_file()
    {
        string policy = Policy.Replace("customers.db", "bad.db", StringComparison.Ordinal);
        var d = PolicyAssert.Reports(PolicyAssert.Check(policy, Data), "MP2053", Error, 3, 1, file: "bad.db");
        Assert.StartsWith("RPSL: expected 'attribute: value'", d.Message, StringComparison.Ordinal);
        var corrected = PolicyAssert.Check(PolicyAssert.Apply(policy, [("bad.db", "customers.db")]), Data);
        PolicyAssert.DoesNotReport(corrected, "MP2053");
        PolicyAssert.NoErrors(corrected);
    }

    [Fact]
    public void MP2054_the_as_set_is_not_in_the_data()
    {
        var d = PolicyAssert.Case("MP2054", Error, 1, 28, Policy.Replace("AS-CUSTOMERS", "AS-CUSTOMRES", StringComparison.Ordinal), fix: [("AS-CUSTOMRES", "AS-CUSTOMERS")], files: Data);
        Assert.Equal("prefixes set 'customer': the RPSL data has no as-set AS-CUSTOMRES", d.Message);
    }

    [Fact]
    public void MP2055_a_member_as_set_is_not_in_the_data()
    {
        var d = PolicyAssert.Case("MP2055", Warning, 1, 28, Policy.Replace("AS-CUSTOMERS", "AS-X", StringComparison.Ordinal).Replace("customers.db", "partial.db", StringComparison.Ordinal),
            fix: [("AS-X", "AS-CUSTOMERS"), ("partial.db", "customers.db")], files: Data);
        Assert.Equal("prefixes set 'customer': member as-sets not in the RPSL data, so their prefixes are missing: AS-ELSEWHERE", d.Message);
    }

    [Fact]
    public void MP2056_as_sets_in_a_cycle()
    {
        var d = PolicyAssert.Case("MP2056", Warning, 1, 28, Policy.Replace("AS-CUSTOMERS", "AS-A", StringComparison.Ordinal).Replace("customers.db", "cycle.db", StringComparison.Ordinal),
            fix: [("AS-A", "AS-C")], files: Data);
        Assert.Equal("prefixes set 'customer': as-sets contain each other in a cycle: AS-A → AS-B → AS-A", d.Message);
    }

    [Fact]
    public void MP2057_the_set_resolves_to_no_prefix()
    {
        var d = PolicyAssert.Case("MP2057", Error, 1, 28, Policy.Replace("AS-CUSTOMERS", "AS-EMPTY", StringComparison.Ordinal).Replace("customers.db", "empty.db", StringComparison.Ordinal),
            fix: [("AS-EMPTY", "AS-CUSTOMERS"), ("empty.db", "customers.db")], files: Data);
        Assert.Equal("prefixes set 'customer' from AS-EMPTY has no prefix: a filter built from it rejects every route", d.Message);
        // Every registered prefix longer than max-length leaves nothing either.
        var tooLong = PolicyAssert.Check(Policy.Replace("AS-CUSTOMERS", "AS64502", StringComparison.Ordinal).Replace("limit 100;", "max-length ipv4 24;", StringComparison.Ordinal), Data);
        PolicyAssert.Reports(tooLong, "MP2057", Error, 1, 28);
    }

    [Fact]
    public void MP2058_the_set_is_larger_than_its_guard()
    {
        var d = PolicyAssert.Case("MP2058", Error, 1, 28, Policy.Replace("limit 100;", "limit 4;", StringComparison.Ordinal), fix: [("limit 4;", "limit 5;")], files: Data);
        Assert.Equal("prefixes set 'customer' resolves to 5 entries, more than its limit 4", d.Message);
    }

    [Fact]
    public void MP3082_the_set_is_not_pinned_in_the_lock_file()
    {
        var d = PolicyAssert.Reports(PolicyAssert.Check(Policy, Data), "MP3082", Warning, 1, 28);
        Assert.Equal("prefixes set 'customer' is resolved from the RPSL data now, not pinned in test.mpol.lock", d.Message);
        // Pinned: no finding; a lock for another question (the limit changed) pins nothing.
        var locked = With("test.mpol.lock", LockFor(Policy, Data));
        PolicyAssert.DoesNotReport(PolicyAssert.Check(Policy, locked), "MP3082");
        PolicyAssert.Reports(PolicyAssert.Check(Policy.Replace("limit 100;", "limit 50;", StringComparison.Ordinal), locked), "MP3082", Warning, 1, 28);
    }

    [Fact]
    public void MP3083_the_rpsl_data_changed_since_the_lock_was_written()
    {
        var files = With("test.mpol.lock", LockFor(Policy, Data));
        files["customers.db"] = RpslFixtures.Customers + "route: 100.65.0.0/24\norigin: AS64501\n";
        var result = PolicyAssert.Check(Policy, files);
        var d = PolicyAssert.Reports(result, "MP3083", Warning, 1, 28);
        Assert.Equal("the RPSL data of prefixes set 'customer' changed since test.mpol.lock was written (customers.db changed); the compile uses the locked prefixes", d.Message);
        // The compile keeps the locked prefixes: the new route is not in the set.
        var set = Assert.Single(result.Model!.Sets, s => s.Name == "customer");
        Assert.Equal(["192.0.2.0/24", "198.51.100.0/25", "198.51.100.128/25", "203.0.113.0/26", "2001:db8:1000::/36"], set.Addresses.Include.Select(e => e.ToString()));
        // The data as locked: nothing to say.
        PolicyAssert.DoesNotReport(PolicyAssert.Check(Policy, With("test.mpol.lock", LockFor(Policy, Data))), "MP3083");
    }

    [Fact]
    public void MP3084_a_lock_file_that_does_not_read()
    {
        var d = PolicyAssert.Reports(PolicyAssert.Check(Policy, With("test.mpol.lock", "set customer\n  query AS-CUSTOMERS limit 100\n  prefix 192.0.2.0/33\n")), "MP3084", Error, 3, 1, file: "test.mpol.lock");
        Assert.Equal("lock file: '192.0.2.0/33' is not a prefix", d.Message);
        PolicyAssert.DoesNotReport(PolicyAssert.Check(Policy, With("test.mpol.lock", LockFor(Policy, Data))), "MP3084");
    }

    private static string LockFor(string policy, Dictionary<string, string> files)
    {
        var all = new Dictionary<string, string>(files, StringComparer.Ordinal) { [PolicyAssert.FileName] = policy };
        var (result, text) = PolicyCompiler.Lock(PolicyAssert.FileName, PolicyAssert.Options, new InMemoryPolicyFileReader(all));
        Assert.True(text is not null, PolicyAssert.Describe(result));
        return text!;
    }
}
