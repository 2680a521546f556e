using PolicyKit.Nfqueue.Hooks;

namespace PolicyKit.Nfqueue.Tests.Infrastructure;

/// <summary>
/// Network namespaces, veth links and processes of one test, named with a unique suffix (PID +
/// random) so tests of several projects can run at once. Dispose kills the processes it started
/// (by PID), then deletes the namespaces (which takes their links and netfilter state with them).
/// </summary>
internal sealed class Lab : IDisposable
{
    private readonly List<string> _namespaces = [];
    private readonly List<HostProcess> _processes = [];
    private readonly List<string> _files = [];

    public Lab()
    {
        Suffix = $"{Environment.ProcessId % 10000:x}{Random.Shared.Next(0x1000):x3}";
        Directory = Path.Combine(Path.GetTempPath(), "pknfq-" + Suffix);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>Unique per lab: short enough for interface names ("e" + suffix ≤ 15 characters).</summary>
    public string Suffix { get; }

    public string Directory { get; }

    public string Namespace(string role)
    {
        string name = $"pk{role}{Suffix}";
        Run("ip", "netns", "add", name);
        _namespaces.Add(name);
        Run("ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /// <summary>A veth pair between two namespaces, with IPv4 addresses (CIDR), both up.</summary>
    public void Link(string nsA, string ifA, string addressA, string nsB, string ifB, string addressB)
    {
        Run("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        Run("ip", "-n", nsA, "addr", "add", addressA, "dev", ifA);
        Run("ip", "-n", nsB, "addr", "add", addressB, "dev", ifB);
        Run("ip", "-n", nsA, "link", "set", ifA, "up");
        Run("ip", "-n", nsB, "link", "set", ifB, "up");
    }

    public CommandResult Exec(string ns, params string[] command) => ProcessCommandRunner.Default.Run("ip", ["netns", "exec", ns, .. command]);

    public string ExecOk(string ns, params string[] command)
    {
        var r = Exec(ns, command);
        Assert.True(r.Ok, $"{string.Join(' ', command)} in {ns} failed ({r.ExitCode}): {r.Error}");
        return r.Output;
    }

    public static string Run(string file, params string[] arguments)
    {
        var r = ProcessCommandRunner.Default.Run(file, arguments);
        Assert.True(r.Ok, $"{file} {string.Join(' ', arguments)} failed ({r.ExitCode}): {r.Error}");
        return r.Output;
    }

    public HostProcess Start(string ns, string name, string file, params string[] arguments)
    {
        var p = new HostProcess(name, "ip", ["netns", "exec", ns, file, .. arguments]);
        _processes.Add(p);
        return p;
    }

    /// <summary>The test host (enforce/listen/join/query) as a process in <paramref name="ns"/>.</summary>
    public HostProcess StartHost(string ns, string name, params string[] arguments) =>
        Start(ns, name, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [TestHostDll, .. arguments]);

    public string File(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        System.IO.File.WriteAllText(path, content);
        _files.Add(path);
        return path;
    }

    public static string TestHostDll
    {
        get
        {
            string own = AppContext.BaseDirectory;
            string dll = Path.Combine(own.Replace($"{Path.DirectorySeparatorChar}PolicyKit.Nfqueue.Tests{Path.DirectorySeparatorChar}",
                $"{Path.DirectorySeparatorChar}PolicyKit.Nfqueue.TestHost{Path.DirectorySeparatorChar}", StringComparison.Ordinal), "PolicyKit.Nfqueue.TestHost.dll");
            Assert.True(System.IO.File.Exists(dll), $"the test host is not built: {dll} (dotnet build tests/PolicyKit.Nfqueue.TestHost)");
            return dll;
        }
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            try
            {
                p.Dispose();
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone: the namespaces must still be deleted.
            }
        }
        foreach (var ns in _namespaces) ProcessCommandRunner.Default.Run("ip", ["netns", "del", ns]);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
