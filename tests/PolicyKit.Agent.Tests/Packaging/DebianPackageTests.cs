using PolicyKit.Agent.Tests.Support;
using PolicyKit.TestSupport;

namespace PolicyKit.Agent.Tests.Packaging;

/// <summary>
/// agent/packaging/build-deb.sh builds the agent's .deb (Native AOT binary, unit, sysusers file,
/// the config as a conffile, maintainer scripts), and real dpkg installs it — into a throwaway
/// root (<c>dpkg --root DIR --force-script-chrootless</c>: the maintainer scripts run with
/// DPKG_ROOT=DIR), so the machine's own users, units and /etc are not touched — then purges it.
/// POLICYKIT_TEST_AGENT_BINARY names an already published AOT agent to package instead of
/// publishing one (agent/packaging/build-deb.sh --binary).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DebianPackageTests : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);
    private readonly TempDir _dir = new("pk-deb");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_package_installs_its_files_user_and_conffile_into_a_root_does_not_start_the_service_runs_and_purges()
    {
        ExternalCommand.RequireRoot("dpkg --root installs files owned by root and runs the maintainer scripts");
        string dpkg = ExternalCommand.Require("dpkg", "apt-get install -y dpkg");
        ExternalCommand.Require("dpkg-deb", "apt-get install -y dpkg");
        ExternalCommand.Require("fakeroot", "apt-get install -y fakeroot");
        ExternalCommand.Require("systemd-sysusers", "apt-get install -y systemd");
        string hostPasswd = File.ReadAllText("/etc/passwd");

        // The script publishes the Native AOT agent itself (minutes of CPU); a CI job that has
        // published it already names it here, and the package is built around that binary.
        string? published = Environment.GetEnvironmentVariable("POLICYKIT_TEST_AGENT_BINARY");
        string[] buildArgs = published is { Length: > 0 } ? ["-o", _dir.File("deb"), "--binary", published] : ["-o", _dir.File("deb")];
        var build = ExternalCommand.Run(Path.Combine(RepoPaths.Root, "agent", "packaging", "build-deb.sh"), buildArgs, BuildTimeout);
        Assert.True(build.ExitCode == 0, build.ToString());
        string deb = build.StandardOutput.Trim().Split('\n')[^1];
        Assert.True(File.Exists(deb), build.ToString());
        Assert.EndsWith("_amd64.deb", deb);

        string root = _dir.File("root");
        foreach (string folder in new[] { "var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers" }) Directory.CreateDirectory(Path.Combine(root, folder));
        File.WriteAllText(Path.Combine(root, "var/lib/dpkg/status"), "");
        // The throwaway root has no packages at all, so the declared libc6/libssl3/zlib1g cannot be
        // satisfied there (the host's are what the binary runs on): --force-depends.
        string[] inRoot = [$"--root={root}", "--force-script-chrootless", "--force-depends"];

        var install = ExternalCommand.Run(dpkg, [.. inRoot, "-i", deb], TimeSpan.FromMinutes(2));
        Assert.True(install.ExitCode == 0, install.ToString());
        // The shipped example names no real table: the service is not started.
        Assert.Contains("mpol-agent: not started: edit /etc/policykit/agent.toml", install.Output);

        string agent = Path.Combine(root, "opt/policykit/mpol-agent");
        Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), File.GetUnixFileMode(agent));
        Assert.Equal("/opt/policykit/mpol-agent", new FileInfo(Path.Combine(root, "usr/bin/mpol-agent")).LinkTarget);
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "agent/mpol-agent.service")), File.ReadAllText(Path.Combine(root, "lib/systemd/system/mpol-agent.service")));
        Assert.True(File.Exists(Path.Combine(root, "usr/lib/sysusers.d/mpol-agent.conf")));
        Assert.True(File.Exists(Path.Combine(root, "usr/share/mpol-agent/enforce.conf")));
        Assert.Contains("Apache License", File.ReadAllText(Path.Combine(root, "usr/share/doc/mpol-agent/copyright")));

        // The user and group, made by the maintainer script inside the root, not on the machine.
        string passwd = File.ReadAllText(Path.Combine(root, "etc/passwd"));
        Assert.Matches(@"(?m)^mpol-agent:x:\d+:\d+:PolicyKit edge agent:/var/lib/policykit:/usr/sbin/nologin$", passwd);
        string gid = File.ReadLines(Path.Combine(root, "etc/group")).Single(l => l.StartsWith("mpol-agent:", StringComparison.Ordinal)).Split(':')[2];
        Assert.Equal(hostPasswd, File.ReadAllText("/etc/passwd"));

        // The configuration: a conffile, readable by root and the agent's group only.
        string config = Path.Combine(root, "etc/policykit/agent.toml");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(config));
        Assert.Equal(gid, Stat(config, "%g"));
        Assert.Equal("0", Stat(config, "%u"));
        Assert.Equal(gid, Stat(Path.Combine(root, "etc/policykit"), "%g"));
        var query = ExternalCommand.Run(ExternalCommand.Require("dpkg-query", "apt-get install -y dpkg"), [$"--root={root}", "-W", "-f=${Status}|${Conffiles}", "mpol-agent"]);
        Assert.True(query.ExitCode == 0, query.ToString());
        Assert.StartsWith("install ok installed|", query.StandardOutput);
        Assert.Contains("/etc/policykit/agent.toml", query.StandardOutput);

        // The installed binary runs: its version, and the shipped config with a real table.
        var version = ExternalCommand.Run(agent, ["--version"]);
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.StartsWith("mpol-agent 0.1.0", version.StandardOutput);
        var noTable = ExternalCommand.Run(agent, ["check-config", "--config", config]);
        Assert.True(noTable.ExitCode == 2, noTable.ToString());
        string table = TestTables.BroadbandEdge(_dir.File("out"));
        var check = ExternalCommand.Run(agent, ["check-config", "--config", config, "--table", table]);
        Assert.True(check.ExitCode == 0, check.ToString());

        // Purge: the files and the conffile go.
        var purge = ExternalCommand.Run(dpkg, [.. inRoot, "--purge", "mpol-agent"], TimeSpan.FromMinutes(2));
        Assert.True(purge.ExitCode == 0, purge.ToString());
        Assert.False(File.Exists(agent));
        Assert.False(File.Exists(config));
        Assert.False(File.Exists(Path.Combine(root, "lib/systemd/system/mpol-agent.service")));
        Assert.False(Directory.Exists(Path.Combine(root, "etc/policykit")));
    }

    private static string Stat(string path, string format)
    {
        var stat = ExternalCommand.Run(ExternalCommand.Require("stat", "apt-get install -y coreutils"), ["-c", format, path]);
        Assert.True(stat.ExitCode == 0, stat.ToString());
        return stat.StandardOutput.Trim();
    }
}
