using System.IO.Compression;

namespace PolicyKit.Nfqueue.Tests.Infrastructure;

/// <summary>
/// The running kernel's build options, read from /proc/config.gz (or /boot/config-RELEASE) when
/// the kernel publishes them. Used only to word a failure precisely ("CONFIG_IP_MROUTE is not
/// set"): what a test can use is decided by trying it, because a kernel may publish no config,
/// and an option may be a module that is not loaded (or absent: some kernels have no modules).
/// </summary>
internal static class KernelConfig
{
    private static readonly Lazy<Dictionary<string, string>?> Options = new(Read);

    public static string Release { get; } = ReadRelease();

    /// <summary>"y", "m", "not set", or null when the kernel publishes no config.</summary>
    public static string? Option(string name)
    {
        var options = Options.Value;
        if (options is null) return null;
        return options.TryGetValue(name, out var value) ? value : "not set";
    }

    /// <summary>"CONFIG_X is not set in kernel R" / "kernel R has CONFIG_X=m" / "kernel R publishes no config".</summary>
    public static string Describe(string name) => Option(name) switch
    {
        null => $"kernel {Release} publishes no config (no /proc/config.gz)",
        "not set" => $"{name} is not set in kernel {Release}",
        var v => $"kernel {Release} has {name}={v}",
    };

    /// <summary>The options a live enforcement test depends on, for its failure message.</summary>
    public static string EnforcementOptions() => string.Join("; ",
        new[] { "CONFIG_NETFILTER_NETLINK_QUEUE", "CONFIG_NFT_QUEUE", "CONFIG_NFT_COMPAT", "CONFIG_NETFILTER_XT_TARGET_NFQUEUE", "CONFIG_NETFILTER_XT_MATCH_MARK" }
            .Select(Describe));

    private static Dictionary<string, string>? Read()
    {
        try
        {
            using Stream? raw = File.Exists("/proc/config.gz") ? new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress)
                : File.Exists($"/boot/config-{Release}") ? File.OpenRead($"/boot/config-{Release}") : null;
            if (raw is null) return null;
            using var reader = new StreamReader(raw);
            var options = new Dictionary<string, string>(StringComparer.Ordinal);
            for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                int eq = line.IndexOf('=', StringComparison.Ordinal);
                if (line.StartsWith("CONFIG_", StringComparison.Ordinal) && eq > 0) options[line[..eq]] = line[(eq + 1)..];
            }
            return options;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string ReadRelease()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        }
        catch (IOException)
        {
            return "(unknown)";
        }
    }
}
