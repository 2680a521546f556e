using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Output;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Secrets;

/// <summary>
/// A secret's value is checked before it is written into a router configuration (issue 14,
/// finding 2: a newline in MIXED_FRR_MD5 injected a `neighbor … remote-as 666` line into
/// frr.conf; `secret ""` gave `password 0 `). An empty value, a line break or another control
/// character is an error (MP4020); a character the platform cannot take in that place is an
/// error naming the platform's rule (MP4021). Both name the reference, never the value.
/// </summary>
public sealed class SecretValueTests
{
    private static readonly string MixedFleet = Path.Combine(RepoPaths.Examples, "mixed-fleet.mpol");

    private const string Injection = "abc\n neighbor 203.0.113.66 remote-as 666";

    private static string[] MixedFleetSecrets => ["MIXED_XE_MD5", "MIXED_XR_MD5", "MIXED_MX_MD5", "MIXED_FRR_MD5", "MIXED_LNX_MD5"];

    private static CompileResult Compile(string path, Func<string, string?> environment, IPolicyFileReader? reader = null) =>
        PolicyEmitter.Compile(path, Emitters.Targets.ToList(), new CompilationOptions { Today = new DateOnly(2026, 11, 23) },
            new EmitOptions { Environment = environment }, reader);

    private static Func<string, string?> Env(string name, string value) => n => n == name ? value : "Good-secret-" + n;

    [Theory]
    [InlineData("MIXED_FRR_MD5", "frr")]
    [InlineData("MIXED_XE_MD5", "ios-xe")]
    [InlineData("MIXED_XR_MD5", "ios-xr")]
    [InlineData("MIXED_MX_MD5", "junos")]
    [InlineData("MIXED_LNX_MD5", "frr")]
    public void A_newline_in_an_environment_secret_is_an_error_and_nothing_is_injected(string variable, string target)
    {
        var result = Compile(MixedFleet, Env(variable, Injection));
        var error = Assert.Single(result.Diagnostics, d => d.Code == "MP4020");
        Assert.Equal($"secret env(\"{variable}\") cannot be used: it holds a line break", error.Message);
        Assert.True(result.HasErrors);
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("203.0.113.66", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Files, f => f.Target == target && !f.IsBinary && f.Content.Contains("remote-as 666", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("abc\rdef", "it holds a line break")]
    [InlineData("abc\u2028def", "it holds a line break")]
    [InlineData("abc\u0007def", "it holds a control character")]
    [InlineData("abc\u0085def", "it holds a line break")]
    [InlineData(" abc", "it starts or ends with white space")]
    [InlineData("abc\t", "it holds a control character")]
    public void Empty_values_and_control_characters_are_refused_on_every_platform(string value, string reason)
    {
        var result = Compile(MixedFleet, Env("MIXED_XE_MD5", value));
        var error = Assert.Single(result.Diagnostics, d => d.Code == "MP4020");
        Assert.Equal($"secret env(\"MIXED_XE_MD5\") cannot be used: {reason}", error.Message);
        Assert.Contains("mixed-fleet.mpol", error.Span.File.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_inline_secret_is_refused_not_written_as_password_0()
    {
        const string policy = "device r1 platform ios-xe {\n  msdp { peer 192.0.2.1 as 64500 { sa-limit 10; auth md5 secret \"\"; } }\n}\n";
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { ["p.mpol"] = policy });
        var result = Compile("p.mpol", _ => null, reader);
        var error = Assert.Single(result.Diagnostics, d => d.Code == "MP4020");
        Assert.Equal("secret an inline secret cannot be used: it is empty", error.Message);
    }

    [Fact]
    public void A_multi_line_file_secret_is_refused()
    {
        using var dir = new TempDirectory();
        dir.Write("md5.key", "first-line\nneighbor 203.0.113.66 remote-as 666\n");
        string policy = dir.Write("p.mpol", "device r1 platform frr {\n  bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth md5 secret file(\"md5.key\"); } }\n}\n");
        var result = Compile(policy, _ => null);
        Assert.Contains(result.Diagnostics, d => d.Code == "MP4020" && d.Message == "secret file(\"md5.key\") cannot be used: it holds a line break");
        // A trailing newline (as editors write) is not part of the value.
        dir.Write("md5.key", "only-line\n");
        Assert.DoesNotContain(Compile(policy, _ => null).Diagnostics, d => d.IsError);
    }

    [Fact]
    public void A_file_secret_must_be_a_small_regular_file()
    {
        using var dir = new TempDirectory();
        string policy = dir.Write("p.mpol", "device r1 platform frr {\n  bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth md5 secret file(\"/dev/zero\"); } }\n}\n");
        var error = Assert.Single(Compile(policy, _ => null).Diagnostics, d => d.Code == "MP4002");
        Assert.Equal("secret file(\"/dev/zero\") is not available: not a regular file (a character device)", error.Message);
    }

    [Theory]
    [InlineData("frr", "two words", "FRR takes the password as one word: it holds a space")]
    [InlineData("frr", "ünïcode", "only printable ASCII is accepted")]
    [InlineData("ios-xe", "what?", "the Cisco CLI reads '?' as a request for help")]
    [InlineData("ios-xe", "7 0822455D0A16", "a number and a space at the start are read as the encryption type")]
    [InlineData("ios-xr", "what?", "the Cisco CLI reads '?' as a request for help")]
    public void A_character_the_platform_cannot_take_is_refused_with_its_rule(string platform, string value, string rule)
    {
        string policy = $"device r1 platform {platform} {{\n  bgp as 64496 {{ neighbor 198.51.100.1 as 64500 {{ auth md5 secret env(\"K\"); }} }}\n}}\n";
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { ["p.mpol"] = policy });
        var result = Compile("p.mpol", _ => value, reader);
        var error = Assert.Single(result.Diagnostics, d => d.Code == "MP4021");
        Assert.StartsWith($"secret env(\"K\") cannot be written for {platform}: {rule}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message + error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frr_key_longer_than_the_kernel_takes_is_refused()
    {
        const string policy = "device r1 platform frr {\n  bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth md5 secret env(\"K\"); } }\n}\n";
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { ["p.mpol"] = policy });
        Assert.DoesNotContain(Compile("p.mpol", _ => new string('k', 80), reader).Diagnostics, d => d.IsError);
        var error = Assert.Single(Compile("p.mpol", _ => new string('k', 81), reader).Diagnostics, d => d.Code == "MP4021");
        Assert.Contains("longer than 80 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Junos_quotes_what_it_can_and_every_platform_takes_an_ordinary_key()
    {
        // Junos takes the value quoted: a space, a quote and a backslash are escaped, not refused.
        const string policy = "device r1 platform junos {\n  bgp as 64496 { neighbor 198.51.100.1 as 64500 { auth md5 secret env(\"K\"); } }\n}\n";
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { ["p.mpol"] = policy });
        var result = Compile("p.mpol", _ => "a \"quoted\" \\ key", reader);
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        Assert.Contains("authentication-key \"a \\\"quoted\\\" \\\\ key\"", result.Files.Single(f => f.Target == "junos").Content, StringComparison.Ordinal);
        Assert.DoesNotContain(Compile(MixedFleet, n => "Ordinary-Key_42.x").Diagnostics, d => d.IsError);
    }

    [Fact]
    public void The_cli_writes_nothing_and_names_the_variable_when_a_secret_holds_a_line_break()
    {
        using var dir = new TempDirectory();
        string output = Path.Combine(dir.Path, "o");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new PolicyKit.Mpolc.CliContext(stdout, stderr, false, n => n == "MIXED_FRR_MD5" ? Injection : MixedFleetSecrets.Contains(n) ? "Good-" + n : null);
        int exit = PolicyKit.Mpolc.Program.Run(["compile", MixedFleet, "--today", "2026-11-23", "-o", output], context);
        Assert.Equal(1, exit);
        Assert.Contains("error MP4020: secret env(\"MIXED_FRR_MD5\") cannot be used: it holds a line break", stdout.ToString() + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("remote-as 666", stdout.ToString() + stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Any());
    }
}
