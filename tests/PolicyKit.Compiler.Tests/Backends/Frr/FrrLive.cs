using System.Diagnostics;
using System.Text;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// Loads a generated frr.conf into running pimd and bgpd (no zebra, no BGP listener) and reads
/// back <c>show running-config</c> through vtysh: proof that FRR kept every line with the
/// meaning the emitter intended, not only that it parsed.
/// </summary>
internal sealed class FrrLive : IDisposable
{
    private readonly List<(Process Process, StringBuilder Output)> _daemons = [];

    public string Directory { get; }

    private FrrLive(string directory) => Directory = directory;

    public static FrrLive Start(string config, string workDirectory, bool bgpd = true, bool pimd = true)
    {
        FrrInstallation.Require();
        var live = new FrrLive(FrrInstallation.DaemonDirectory(workDirectory));
        var (bgpdPart, pimdPart) = FrrConfigSplitter.Split(config);
        string dir = live.Directory;
        try
        {
            if (pimd)
            {
                File.WriteAllText(Path.Combine(dir, "pimd.conf"), pimdPart);
                live._daemons.Add(ProcessRunner.Start(FrrInstallation.Pimd,
                    ["-f", Path.Combine(dir, "pimd.conf"), "-u", "frr", "-g", "frr", "-P", "0", "--vty_socket", dir, "-i", Path.Combine(dir, "pimd.pid"), "--log", "stdout"]));
                live.WaitForSocket("pimd");
            }
            if (bgpd)
            {
                File.WriteAllText(Path.Combine(dir, "bgpd.conf"), bgpdPart);
                live._daemons.Add(ProcessRunner.Start(FrrInstallation.Bgpd,
                    ["-f", Path.Combine(dir, "bgpd.conf"), "-Z", "-S", "-P", "0", "-p", "0", "-M", "bmp", "-M", "rpki", "--vty_socket", dir, "-i", Path.Combine(dir, "bgpd.pid"), "--log", "stdout"]));
                live.WaitForSocket("bgpd");
            }
        }
        catch
        {
            live.Dispose();
            throw;
        }
        return live;
    }

    /// <summary>The daemons' own view of their configuration.</summary>
    public string RunningConfig()
    {
        var result = ProcessRunner.Run(FrrInstallation.Vtysh, ["--vty_socket", Directory, "-c", "show running-config"], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"vtysh show running-config exited {result.ExitCode}:\n{result.Output}\n{Logs()}");
        return result.Output;
    }

    public string Logs()
    {
        var text = new StringBuilder();
        foreach (var (process, output) in _daemons)
        {
            lock (output) text.Append($"── {process.StartInfo.FileName}\n{output}");
        }
        return text.ToString();
    }

    private void WaitForSocket(string daemon)
    {
        string socket = Path.Combine(Directory, daemon + ".vty");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!File.Exists(socket))
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{daemon} did not start (no {socket}):\n{Logs()}");
            Thread.Sleep(50);
        }
    }

    public void Dispose()
    {
        foreach (var (process, _) in _daemons) ProcessRunner.Stop(process);
        _daemons.Clear();
    }
}
