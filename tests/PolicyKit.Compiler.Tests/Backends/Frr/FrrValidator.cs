using System.Text;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// Validates a generated frr.conf with FRR itself: <c>vtysh -C</c> (syntax, exit 0 required) and
/// the stricter offline checks of the daemons that load it, bgpd (with the BMP module) and pimd,
/// each given its part of the file (<see cref="FrrConfigSplitter"/>). The daemons exit 0 even
/// on errors, so their output is searched for FRR's error markers.
/// </summary>
internal static class FrrValidator
{
    public sealed record Run(string Tool, string CommandLine, int ExitCode, string Output, IReadOnlyList<string> Problems);

    /// <summary>Runs all three checks; fails the test (printing every output) unless all pass.</summary>
    public static void AssertValid(string config, string label)
    {
        FrrInstallation.Require();
        using var temp = new TempDirectory();
        var runs = Validate(config, temp.Path);
        var failed = runs.Where(r => r.Problems.Count > 0).ToList();
        if (failed.Count == 0) return;
        var message = new StringBuilder($"FRR rejects the frr.conf of {label}:\n");
        foreach (var run in failed)
        {
            message.Append($"\n── {run.Tool}: {run.CommandLine} (exit {run.ExitCode})\n");
            foreach (var problem in run.Problems) message.Append("  ✗ ").Append(problem).Append('\n');
            message.Append(run.Output);
        }
        message.Append("\n── frr.conf\n").Append(Numbered(config));
        Assert.Fail(message.ToString());
    }

    public static List<Run> Validate(string config, string workDirectory)
    {
        string dir = FrrInstallation.DaemonDirectory(workDirectory);
        string whole = Path.Combine(dir, "frr.conf");
        File.WriteAllText(whole, config);
        var (bgpdPart, pimdPart) = FrrConfigSplitter.Split(config);
        string bgpdConf = Path.Combine(dir, "bgpd.conf");
        string pimdConf = Path.Combine(dir, "pimd.conf");
        File.WriteAllText(bgpdConf, bgpdPart);
        File.WriteAllText(pimdConf, pimdPart);

        var runs = new List<Run>();
        string[] vtysh = ["-C", "-f", whole];
        var v = ProcessRunner.Run(FrrInstallation.Vtysh, vtysh);
        var vProblems = DaemonProblems(v.Output);
        if (v.ExitCode != 0) vProblems.Insert(0, $"vtysh -C exited {v.ExitCode} (2: unknown command, 4: incomplete command)");
        runs.Add(new Run("vtysh", Join(FrrInstallation.Vtysh, vtysh), v.ExitCode, v.Output, vProblems));

        string[] bgpd = ["-C", "-f", bgpdConf, "-Z", "-S", "-P", "0", "-p", "0", "-M", "bmp", "-M", "rpki", "--vty_socket", dir, "-i", Path.Combine(dir, "x.pid"), "--log", "stdout"];
        var b = ProcessRunner.Run(FrrInstallation.Bgpd, bgpd);
        runs.Add(new Run("bgpd", Join(FrrInstallation.Bgpd, bgpd), b.ExitCode, b.Output, DaemonProblems(b.Output, b.TimedOut)));

        string[] pimd = ["-C", "-f", pimdConf, "-u", "frr", "-g", "frr", "-P", "0", "--vty_socket", dir, "-i", Path.Combine(dir, "y.pid")];
        var p = ProcessRunner.Run(FrrInstallation.Pimd, pimd);
        runs.Add(new Run("pimd", Join(FrrInstallation.Pimd, pimd), p.ExitCode, p.Output, DaemonProblems(p.Output, p.TimedOut)));
        return runs;
    }

    /// <summary>
    /// FRR's error markers in a daemon's output. One apply-time error is expected offline and
    /// ignored: a static RP has no path when no zebra is running ("No Path to RP address
    /// specified"); FRR keeps the RP and resolves it once routes arrive.
    /// </summary>
    public static List<string> DaemonProblems(string output, bool timedOut = false)
    {
        var problems = new List<string>();
        if (timedOut) problems.Add("timed out");
        foreach (var raw in output.Split('\n'))
        {
            string line = raw.TrimEnd();
            if (line.Contains("No Path to RP address specified", StringComparison.Ordinal)) continue;
            if (line.Contains("No such command", StringComparison.Ordinal) ||
                line.Contains("Config Failed", StringComparison.OrdinalIgnoreCase) ||
                line.Contains("Unknown command", StringComparison.Ordinal) ||
                line.Contains("error processing configuration change", StringComparison.Ordinal) ||
                line.Contains("failed to validate candidate configuration", StringComparison.Ordinal) ||
                line.StartsWith("% ", StringComparison.Ordinal) ||
                line.StartsWith("line ", StringComparison.Ordinal) && line.Contains(": % ", StringComparison.Ordinal))
            {
                problems.Add(line);
            }
        }
        return problems;
    }

    private static string Join(string tool, IEnumerable<string> arguments) => string.Join(' ', new[] { tool }.Concat(arguments));

    public static string Numbered(string text) =>
        string.Concat(text.Split('\n').Select((l, i) => $"{i + 1,4}  {l}\n"));
}
