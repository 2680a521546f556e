using PolicyKit.Compiler.Tests.Irr;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>
/// <c>mpolc lock</c> and the lock in a compile, on disk: the lock pins the IRR set, a compile
/// uses it without the data, says when the data changed, and the next lock takes the change.
/// </summary>
public sealed class LockCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Policy = """
        prefixes cone from irr "AS-CUSTOMERS" { rpsl "irr/customers.db"; max-length ipv4 24 ipv6 48; aggregate; }
        filter cone-in { permit prefixes cone; }
        device edge platform frr {
            bgp as 64496 {
                neighbor 192.0.2.129 as 64501 { prefix-filter in cone-in; max-prefix 100; auth md5 secret env("K"); }
            }
        }
        """;

    [Fact]
    public void Lock_pins_the_set_compile_uses_the_lock_without_the_data_and_says_when_the_data_changed()
    {
        string policy = _dir.Write("edge.mpol", Policy);
        string data = _dir.Write("irr/customers.db", RpslFixtures.Customers);
        string lockPath = policy + ".lock";

        // Before a lock: the compile resolves from the data and says it is not pinned.
        var check = MpolcRunner.Run("check", policy, "--today", "2026-11-23");
        Assert.Contains("MP3082", check.Stdout + check.Stderr, StringComparison.Ordinal);

        var run = MpolcRunner.Run("lock", policy);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("cone: 2 entries (+2 -0)", run.Stdout, StringComparison.Ordinal);
        string locked = File.ReadAllText(lockPath);
        Assert.Contains("  data irr/customers.db sha256 ", locked, StringComparison.Ordinal);
        Assert.Contains("  prefix 192.0.2.0/24\n", locked, StringComparison.Ordinal);
        Assert.Contains("  prefix 2001:db8:1000::/36 le 48\n", locked, StringComparison.Ordinal);
        // The same data writes the same bytes.
        Assert.Equal(0, MpolcRunner.Run("lock", policy).ExitCode);
        Assert.Equal(locked, File.ReadAllText(lockPath));

        // With the lock, the data is not needed: the compile is the same without it.
        string withData = Compile(policy);
        File.Move(data, data + ".away");
        Assert.Equal(withData, Compile(policy));
        File.Move(data + ".away", data);

        // The data changes: the compile keeps the locked prefixes and says so.
        File.AppendAllText(data, "\nroute: 100.66.0.0/24\norigin: AS64501\n");
        check = MpolcRunner.Run("check", policy, "--today", "2026-11-23");
        Assert.Contains("MP3083", check.Stdout + check.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("100.66.0.0", Compile(policy), StringComparison.Ordinal);

        // Refreshed: the new prefix is in, and the lock says what changed.
        string hashBefore = HashLine(Compile(policy));
        run = MpolcRunner.Run("lock", policy);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("cone: 3 entries (+1 -0)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("100.66.0.0/24", Compile(policy), StringComparison.Ordinal);
        // The policy's hash in the output names the IRR prefixes compiled too, not only the text.
        Assert.NotEqual(hashBefore, HashLine(Compile(policy)));
        check = MpolcRunner.Run("check", policy, "--today", "2026-11-23");
        Assert.DoesNotContain("MP308", check.Stdout + check.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_with_errors_gets_no_lock_and_the_old_one_stays()
    {
        string policy = _dir.Write("edge.mpol", Policy.Replace("AS-CUSTOMERS", "AS-NOPE", StringComparison.Ordinal));
        _dir.Write("irr/customers.db", RpslFixtures.Customers);
        string lockPath = _dir.Write("edge.mpol.lock", "# old\n");
        var run = MpolcRunner.Run("lock", policy);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("MP2054", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Equal("# old\n", File.ReadAllText(lockPath));
    }

    [Fact]
    public void Rpsl_data_is_confined_like_includes_a_link_out_of_the_folder_is_refused()
    {
        // The folder as the data, with a link in it to a file outside: refused, and not read.
        string policy = _dir.Write("edge.mpol", Policy.Replace("irr/customers.db", "irr", StringComparison.Ordinal));
        _dir.Write("irr/customers.db", RpslFixtures.Customers);
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "irr", "passwd.db"), "/etc/passwd");
        var run = MpolcRunner.Run("check", policy, "--today", "2026-11-23");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("error MP2052: prefixes set 'cone' cannot read its RPSL data 'irr': 'passwd.db' in it links outside the policy's folder", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", run.Stdout + run.Stderr, StringComparison.Ordinal);

        // The link itself named as the data: outside.
        File.WriteAllText(policy, Policy.Replace("irr/customers.db", "irr/passwd.db", StringComparison.Ordinal));
        run = MpolcRunner.Run("check", policy);
        Assert.Contains("cannot read its RPSL data 'irr/passwd.db': it is outside the policy's folder", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", run.Stdout + run.Stderr, StringComparison.Ordinal);

        // Without the link, the folder is the data.
        File.Delete(Path.Combine(_dir.Path, "irr", "passwd.db"));
        File.WriteAllText(policy, Policy.Replace("irr/customers.db", "irr", StringComparison.Ordinal));
        run = MpolcRunner.Run("check", policy, "--today", "2026-11-23");
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private static string HashLine(string config) => config.Split('\n').Single(l => l.StartsWith("! sha256: ", StringComparison.Ordinal));

    private string Compile(string policy)
    {
        var run = MpolcRunner.Run("compile", policy, "--target", "frr", "--redact", "--today", "2026-11-23", "-o", "-");
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Stdout;
    }
}
