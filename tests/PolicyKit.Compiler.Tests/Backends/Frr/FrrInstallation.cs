namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// Where FRR 8.4 (Debian's frr package) lives. The FRR tests need the real daemons: when they
/// are absent the tests fail with the command that installs them — they never skip.
/// </summary>
internal static class FrrInstallation
{
    public const string InstallHint = "install frr (apt-get install frr)";

    public const string Bgpd = "/usr/lib/frr/bgpd";

    public const string Pimd = "/usr/lib/frr/pimd";

    public static string Vtysh => FindOnPath("vtysh") ?? "/usr/bin/vtysh";

    /// <summary>
    /// Fails the calling test unless vtysh, bgpd and pimd are installed, with bgpd's RPKI module
    /// (the checks load it, as a device with RTR caches needs it).
    /// </summary>
    public static void Require()
    {
        var missing = new[] { ("vtysh", Vtysh), ("bgpd", Bgpd), ("pimd", Pimd) }.Where(t => !File.Exists(t.Item2)).Select(t => t.Item1).ToList();
        if (missing.Count > 0) Assert.Fail($"{InstallHint}: {string.Join(", ", missing)} not found (scripts/install-prereqs installs it)");
        if (RpkiModule is null) Assert.Fail("install frr-rpki-rtrlib (apt-get install frr-rpki-rtrlib): bgpd's RPKI module bgpd_rpki.so not found (scripts/install-prereqs installs it)");
    }

    /// <summary>bgpd's RPKI module (Debian's frr-rpki-rtrlib), or null.</summary>
    public static string? RpkiModule =>
        Directory.Exists("/usr/lib")
            ? Directory.EnumerateDirectories("/usr/lib").Select(d => Path.Combine(d, "frr", "modules", "bgpd_rpki.so")).Append("/usr/lib/frr/modules/bgpd_rpki.so").FirstOrDefault(File.Exists)
            : null;

    /// <summary>A fresh directory the daemons (which drop to user frr) can write their sockets and pid files into.</summary>
    public static string DaemonDirectory(string parent)
    {
        string directory = Path.Combine(parent, "run-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        if (OperatingSystem.IsWindows()) return directory;
        var all = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                  UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
                  UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(directory, all);
        // The parent must be traversable by frr too (temp folders are 0700 at times).
        File.SetUnixFileMode(parent, File.GetUnixFileMode(parent) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        return directory;
    }

    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
