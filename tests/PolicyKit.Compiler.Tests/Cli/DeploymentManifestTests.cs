using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace PolicyKit.Compiler.Tests.Cli;

/// <summary>
/// Issue 16: `out/manifest.json` says what a compile wrote (device, platform, files, SHA-256,
/// owned names), and a device no longer compiled leaves no stale folder behind (issue 17's
/// friction: a renamed device's old configuration stayed in out/ to be pushed by mistake).
/// </summary>
public sealed class DeploymentManifestTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string TwoDevices = """
        filter joins { permit groups 239.1.0.0/16; }
        device r1 platform ios-xe { interface "Gi1" { igmp { access joins; } } }
        device r2 platform linux { interface "eth1" { igmp { access joins; } } }
        """;

    private string Out => Path.Combine(_dir.Path, "out");

    private MpolcRun Compile(string policy)
    {
        string path = _dir.Write("p.mpol", policy);
        return MpolcRunner.Run("compile", path, "--target", "ios-xe", "--target", "frr", "--target", "nftables", "-o", Out);
    }

    [Fact]
    public void The_manifest_lists_every_file_with_its_hash_platform_and_owned_names()
    {
        var run = Compile(TwoDevices);
        Assert.True(run.ExitCode == 0, run.ToString());
        var devices = JsonNode.Parse(File.ReadAllText(Path.Combine(Out, "manifest.json")))!["devices"]!.AsArray();
        Assert.Equal(["r1", "r2"], devices.Select(d => d!["device"]!.GetValue<string>()));
        Assert.Equal(["ios-xe", "linux"], devices.Select(d => d!["platform"]!.GetValue<string>()));
        var files = devices.SelectMany(d => d!["files"]!.AsArray()).ToList();
        Assert.Equal(["r1/ios-xe.cfg", "r2/frr.conf", "r2/nftables.nft"], files.Select(f => f!["file"]!.GetValue<string>()));
        foreach (var file in files)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(Out, file!["file"]!.GetValue<string>()));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file["sha256"]!.GetValue<string>());
        }
        var owned = devices[0]!["owned"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.NotEmpty(owned);
        Assert.All(owned, n => Assert.Contains(n, File.ReadAllText(Path.Combine(Out, "r1", "ios-xe.cfg"))));
    }

    [Fact]
    public void A_device_no_longer_compiled_loses_its_folder_but_never_a_file_the_manifest_did_not_list()
    {
        Assert.Equal(0, Compile(TwoDevices).ExitCode);
        Assert.Equal(0, Compile(TwoDevices.Replace("device r2", "device r3", StringComparison.Ordinal)).ExitCode);
        Assert.False(Directory.Exists(Path.Combine(Out, "r2")), "r2 is no longer compiled: its folder stays behind");
        Assert.True(File.Exists(Path.Combine(Out, "r3", "frr.conf")));

        // A file of the operator's own in a device folder is kept, and so is the folder.
        File.WriteAllText(Path.Combine(Out, "r3", "notes.txt"), "mine");
        Assert.Equal(0, Compile(TwoDevices.Replace("device r2", "device r4", StringComparison.Ordinal)).ExitCode);
        Assert.Equal(["notes.txt"], Directory.GetFiles(Path.Combine(Out, "r3")).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(Out, "r1", "ios-xe.cfg")));
    }
}
