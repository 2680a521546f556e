using System.Text.Json.Nodes;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>`mpolc plan` (issue 16): exit 0 when the router matches the policy, 4 when it would change; JSON for tools.</summary>
public sealed class PlanCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Policy = """
        prefixes p { 198.18.0.0/24; 198.18.2.0/24; }
        filter cust { permit prefixes p; }
        device r platform frr { bgp as 64500 { neighbor 192.0.2.9 as 64501 { max-prefix 10; prefix-filter in cust; } } }
        """;

    [Fact]
    public void A_router_running_the_compiled_file_has_nothing_to_change_and_a_drifted_one_gets_the_commands_back()
    {
        string policy = _dir.Write("p.mpol", Policy);
        string outDir = Path.Combine(_dir.Path, "out");
        Assert.Equal(0, MpolcRunner.Run("compile", policy, "--target", "frr", "-o", outDir).ExitCode);
        string compiled = File.ReadAllText(Path.Combine(outDir, "r", "frr.conf"));

        var same = MpolcRunner.Run("plan", policy, "--device", "r", "--running", _dir.Write("same.conf", "hostname r\n" + compiled));
        Assert.True(same.ExitCode == 0 && same.Stdout.Length == 0, same.ToString());

        // Someone removed a prefix by hand and added one of their own to the owned list.
        string line = compiled.Split('\n').First(l => l.Contains("198.18.2.0/24", StringComparison.Ordinal));
        string drifted = compiled.Replace(line, "ip prefix-list PK-CUST seq 7 permit 203.0.113.0/24", StringComparison.Ordinal);
        var run = MpolcRunner.Run("plan", policy, "--device", "r", "--running", _dir.Write("drifted.conf", drifted), "--format", "json");
        Assert.True(run.ExitCode == 4, run.ToString());
        var json = JsonNode.Parse(run.Stdout)!;
        Assert.True(json["changes"]!.GetValue<bool>());
        Assert.Equal([line, "no ip prefix-list PK-CUST seq 7 permit 203.0.113.0/24"], json["commands"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public void Usage_errors_exit_2()
    {
        string policy = _dir.Write("p.mpol", Policy);
        Assert.Equal(2, MpolcRunner.Run("plan", policy, "--device", "r").ExitCode);
        Assert.Equal(2, MpolcRunner.Run("plan", policy, "--device", "nope", "--running", policy).ExitCode);
        Assert.Equal(2, MpolcRunner.Run("plan", policy, "--device", "r", "--running", Path.Combine(_dir.Path, "missing")).ExitCode);
    }

    [Fact]
    public void Redact_keeps_secrets_out_of_the_printed_commands()
    {
        string policy = _dir.Write("k.mpol", """
            device r platform frr { bgp as 64500 { neighbor 192.0.2.9 as 64501 { max-prefix 10; auth md5 secret env("PK_PLAN_KEY"); } } }
            """);
        string running = _dir.Write("running.conf", "hostname r\n");
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new PolicyKit.Mpolc.CliContext(stdout, stderr, false, name => name == "PK_PLAN_KEY" ? "Sup3rSecretKeyValue42" : null);
        string[] args = ["plan", policy, "--device", "r", "--running", running];

        Assert.Equal(4, PolicyKit.Mpolc.Program.Run(args, context));
        Assert.Contains("Sup3rSecretKeyValue42", stdout.ToString(), StringComparison.Ordinal);

        stdout.GetStringBuilder().Clear();
        Assert.Equal(4, PolicyKit.Mpolc.Program.Run([.. args, "--redact"], context));
        Assert.DoesNotContain("Sup3rSecretKeyValue42", stdout.ToString() + stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("password <redacted>", stdout.ToString(), StringComparison.Ordinal);
    }
}
