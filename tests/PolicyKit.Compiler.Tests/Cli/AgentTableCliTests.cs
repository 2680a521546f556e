using System.Security.Cryptography;
using System.Text.Json;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Tables.Format;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>
/// <c>mpolc compile --target agent</c> (DIR/DEVICE/DEVICE.mpt, optionally signed) and
/// <c>mpolc inspect</c> (text, JSON, verification; exit 0 ok, 1 refused, 2 usage or I/O).
/// </summary>
public sealed class AgentTableCliTests : IDisposable
{
    private const string Today = "2026-11-23";

    private const string Policy = """
        groups tv { 232.10.0.0/16; }
        groups guide { 239.255.255.254; }
        filter joins { permit groups guide; permit groups tv; }

        device edge-1 platform ios-xe {
            mroute-limit 4000 warn 3200;
            interface "GigabitEthernet0/0/1" {
                igmp { access joins; limit 125 except guide; }
            }
        }

        device edge-2 platform linux {
            interface "eth1" {
                igmp { access joins; limit 50; }
            }
        }

        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string PolicyPath => _dir.Write("policy.mpol", Policy);

    private MpolcRun Compile(string output, params string[] options) =>
        MpolcRunner.Run(["compile", PolicyPath, "-o", Path.Combine(_dir.Path, output), "--today", Today, .. options]);

    private string TablePath(string output, string device) => Path.Combine(_dir.Path, output, device, device + ".mpt");

    [Fact]
    public void Compile_target_agent_writes_one_table_per_device_in_its_folder()
    {
        var run = Compile("out", "--target", "agent");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("mpolc: wrote 2 files to ", run.Stderr, StringComparison.Ordinal);
        var files = Directory.GetFiles(Path.Combine(_dir.Path, "out"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(_dir.Path, "out"), f).Replace('\\', '/')).Order(StringComparer.Ordinal);
        Assert.Equal(["edge-1/edge-1.mpt", "edge-2/edge-2.mpt", "manifest.json"], files);

        var table = TableReader.Read(File.ReadAllBytes(TablePath("out", "edge-1")));
        Assert.Equal("edge-1", table.Header.Device);
        Assert.Equal("ios-xe", table.Header.Platform);
        Assert.Equal("GigabitEthernet0/0/1", Assert.Single(table.Interfaces).Name);
        Assert.Equal(125, table.Interfaces[0].Igmp!.Limit!.Max);
        Assert.Equal(4000, table.Router.RouteLimit);
        // Every platform gets a table: edge-2 is a Linux box.
        Assert.Equal("linux", TableReader.Read(File.ReadAllBytes(TablePath("out", "edge-2"))).Header.Platform);
    }

    [Fact]
    public void Table_file_is_readable_by_all_but_writable_only_by_its_owner()
    {
        if (OperatingSystem.IsWindows()) return;
        var run = Compile("out", "--target", "agent");
        Assert.True(run.ExitCode == 0, run.ToString());
        var mode = File.GetUnixFileMode(TablePath("out", "edge-1"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, mode);
        Assert.False(File.Exists(TablePath("out", "edge-1") + ".tmp"));
    }

    [Fact]
    public void Same_policy_gives_the_same_bytes()
    {
        Assert.Equal(0, Compile("a", "--target", "agent").ExitCode);
        Assert.Equal(0, Compile("b", "--target", "agent").ExitCode);
        foreach (var device in new[] { "edge-1", "edge-2" })
        {
            Assert.Equal(File.ReadAllBytes(TablePath("a", device)), File.ReadAllBytes(TablePath("b", device)));
        }
    }

    [Fact]
    public void Target_all_includes_the_agent_tables()
    {
        Assert.Contains(AgentTableEmitter.Target, Emitters.Targets);
        var run = Compile("out");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(TablePath("out", "edge-1")));
        Assert.True(File.Exists(TablePath("out", "edge-2")));
        Assert.True(File.Exists(Path.Combine(_dir.Path, "out", "edge-1", "ios-xe.cfg")));
    }

    [Fact]
    public void Emitted_file_carries_the_bytes_and_a_readable_rendering()
    {
        var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { ["policy.mpol"] = Policy });
        var result = PolicyEmitter.Compile("policy.mpol", new HashSet<string> { "agent" }, new CompilationOptions { Today = new DateOnly(2026, 11, 23) }, new EmitOptions(), reader);
        Assert.False(result.HasErrors);
        var file = result.Files.First(f => f.Device == "edge-1");
        Assert.Equal("agent", file.Target);
        Assert.Equal("edge-1.mpt", file.FileName);
        Assert.True(file.IsBinary);
        Assert.False(file.ContainsSecrets);
        Assert.Equal(TableReader.Read(file.Bytes!), new AgentTableBuilder(result.Check.Model!, result.Check.Model!.FindDevice("edge-1")!).Build());
        // The rendering diffs and golden files compare: the configs' header block, then the table.
        Assert.StartsWith("# Generated by mpolc ", file.Content, StringComparison.Ordinal);
        Assert.Contains("# sha256: ", file.Content, StringComparison.Ordinal);
        Assert.Contains("\ninterfaces (1)\n  \"GigabitEthernet0/0/1\"", file.Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_prints_the_table_as_text()
    {
        Assert.Equal(0, Compile("out", "--target", "agent").ExitCode);
        string path = TablePath("out", "edge-1");
        var run = MpolcRunner.Run("inspect", path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("", run.Stderr);
        var lines = run.Stdout.Split('\n');
        Assert.Equal($"file      {path}", lines[0]);
        Assert.StartsWith("format    1.1, ", lines[1], StringComparison.Ordinal);
        Assert.Equal("signature none (unsigned)", lines[2]);
        Assert.Contains("device    edge-1 (platform ios-xe)", lines);
        Assert.Contains("sections (9)", lines);
        Assert.Contains("interfaces (1)", lines);
        Assert.Contains(lines, l => l.StartsWith("  route limit      4000, warn above 3200  (", StringComparison.Ordinal) && l.EndsWith("policy.mpol:6:5)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("    IGMP access filter #0 joins; limit 125 except 239.255.255.254/32  (", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  #0 joins (2 rules, first match; no match denies)  (", StringComparison.Ordinal) && l.EndsWith("policy.mpol:3:1)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("      2 permit sources any groups 232.10.0.0/16  (", StringComparison.Ordinal));
    }

    [Fact]
    public void Inspect_prints_the_table_as_json()
    {
        Assert.Equal(0, Compile("out", "--target", "agent").ExitCode);
        string path = TablePath("out", "edge-1");
        var run = MpolcRunner.Run("inspect", path, "--format", "json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        var root = document.RootElement;
        Assert.Equal("1.1", root.GetProperty("file").GetProperty("format").GetString());
        Assert.Equal(new FileInfo(path).Length, root.GetProperty("file").GetProperty("bytes").GetInt64());
        Assert.Equal("edge-1", root.GetProperty("header").GetProperty("device").GetString());
        var iface = root.GetProperty("interfaces")[0];
        Assert.Equal("GigabitEthernet0/0/1", iface.GetProperty("name").GetString());
        Assert.Equal(["239.255.255.254/32"], iface.GetProperty("igmp").GetProperty("limit").GetProperty("except").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["232.10.0.0/16"], root.GetProperty("filters")[0].GetProperty("rules")[1].GetProperty("groups").EnumerateArray().Select(e => e.GetString()));
        // Stable: the same file prints the same JSON.
        Assert.Equal(run.Stdout, MpolcRunner.Run("inspect", path, "--format", "json").Stdout);
    }

    [Fact]
    public void Inspect_refuses_a_corrupt_table_with_exit_1()
    {
        Assert.Equal(0, Compile("out", "--target", "agent").ExitCode);
        string path = TablePath("out", "edge-1");
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        var run = MpolcRunner.Run("inspect", path);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("", run.Stdout);
        Assert.Equal($"mpolc: error: {path}: checksum mismatch: the file is corrupt\n", run.Stderr);

        File.WriteAllBytes(path, bytes[..40]);
        run = MpolcRunner.Run("inspect", path, "--format", "json");
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("truncated at byte 40 in section ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_refuses_what_is_not_a_table()
    {
        var run = MpolcRunner.Run("inspect", PolicyPath);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.EndsWith(": not a PolicyKit table (bad magic)\n", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_usage_and_io_errors_exit_2()
    {
        var missing = MpolcRunner.Run("inspect", Path.Combine(_dir.Path, "nope.mpt"));
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("cannot read '", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("': no such file", missing.Stderr, StringComparison.Ordinal);

        var directory = MpolcRunner.Run("inspect", _dir.Path);
        Assert.True(directory.ExitCode == 2, directory.ToString());
        Assert.Contains("not a regular file (a directory)", directory.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, Compile("out", "--target", "agent").ExitCode);
        var format = MpolcRunner.Run("inspect", TablePath("out", "edge-1"), "--format", "yaml");
        Assert.True(format.ExitCode == 2, format.ToString());
        Assert.Contains("unknown value 'yaml' for --format: expected text or json", format.Stderr, StringComparison.Ordinal);

        var noFile = MpolcRunner.Run("inspect");
        Assert.True(noFile.ExitCode == 2, noFile.ToString());

        var badKey = MpolcRunner.Run("inspect", TablePath("out", "edge-1"), "--trusted-key", PolicyPath);
        Assert.True(badKey.ExitCode == 2, badKey.ToString());
        Assert.Contains("is not an ECDSA P-256 key in PEM form", badKey.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Signed_tables_verify_with_the_trusted_key_and_are_refused_with_another()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string privatePem = _dir.Write("sign.pem", key.ExportPkcs8PrivateKeyPem());
        string publicPem = _dir.Write("sign.pub.pem", key.ExportSubjectPublicKeyInfoPem());
        string otherPem = _dir.Write("other.pub.pem", other.ExportSubjectPublicKeyInfoPem());
        string keyId = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));

        var compile = Compile("out", "--target", "agent", "--sign", privatePem);
        Assert.True(compile.ExitCode == 0, compile.ToString());
        Assert.Contains($"mpolc: signed 2 agent tables with key {keyId}", compile.Stderr, StringComparison.Ordinal);
        string path = TablePath("out", "edge-1");

        var verified = MpolcRunner.Run("inspect", path, "--trusted-key", publicPem);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.Contains($"signature ECDSA P-256 by key {keyId}, verified with a trusted key", verified.Stdout, StringComparison.Ordinal);

        var unverified = MpolcRunner.Run("inspect", path);
        Assert.True(unverified.ExitCode == 0, unverified.ToString());
        Assert.Contains("NOT verified (no trusted key given)", unverified.Stdout, StringComparison.Ordinal);

        var json = MpolcRunner.Run("inspect", path, "--format", "json", "-k", otherPem, "-k", publicPem);
        Assert.True(json.ExitCode == 0, json.ToString());
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            var signature = document.RootElement.GetProperty("file").GetProperty("signature");
            Assert.True(signature.GetProperty("verified").GetBoolean());
            Assert.Equal(keyId, signature.GetProperty("keyId").GetString());
        }

        var wrong = MpolcRunner.Run("inspect", path, "--trusted-key", otherPem);
        Assert.True(wrong.ExitCode == 1, wrong.ToString());
        Assert.Contains($"{path}: signature does not verify with any trusted key", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsigned_table_is_refused_when_a_trusted_key_is_given()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string publicPem = _dir.Write("sign.pub.pem", key.ExportSubjectPublicKeyInfoPem());
        Assert.Equal(0, Compile("out", "--target", "agent").ExitCode);
        var run = MpolcRunner.Run("inspect", TablePath("out", "edge-1"), "--trusted-key", publicPem);
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.EndsWith(": unsigned table but signatures are required\n", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_needs_a_usable_private_key_and_the_agent_target()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string privatePem = _dir.Write("sign.pem", key.ExportECPrivateKeyPem());
        string publicPem = _dir.Write("sign.pub.pem", key.ExportSubjectPublicKeyInfoPem());

        var missing = Compile("out", "--target", "agent", "--sign", Path.Combine(_dir.Path, "nope.pem"));
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("cannot read key '", missing.Stderr, StringComparison.Ordinal);

        var publicOnly = Compile("out", "--target", "agent", "--sign", publicPem);
        Assert.True(publicOnly.ExitCode == 2, publicOnly.ToString());
        Assert.Contains("is a public key; signing needs the private key", publicOnly.Stderr, StringComparison.Ordinal);

        var noAgent = Compile("out", "--target", "ios-xe", "--sign", privatePem);
        Assert.True(noAgent.ExitCode == 2, noAgent.ToString());
        Assert.Contains("--sign signs the agent tables, but --target does not include agent", noAgent.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "out")));

        // An SEC1 ("EC PRIVATE KEY") key, as openssl ecparam writes it, signs too.
        var ok = Compile("out", "--target", "agent", "--sign", privatePem);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.NotNull(TableReader.Load(File.ReadAllBytes(TablePath("out", "edge-2"))).File.Signature);
    }

    [Fact]
    public void Unknown_target_message_lists_agent()
    {
        var run = Compile("out", "--target", "agnet");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("unknown target 'agnet': expected ", run.Stderr, StringComparison.Ordinal);
        Assert.Contains(", agent or all", run.Stderr, StringComparison.Ordinal);
    }
}
