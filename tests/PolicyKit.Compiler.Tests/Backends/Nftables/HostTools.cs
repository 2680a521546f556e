using System.Diagnostics;
using System.Text;

namespace PolicyKit.Compiler.Tests.Backends.Nftables;

/// <summary>The outcome of one external command.</summary>
internal sealed record CommandResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"`{Command}` exited {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>
/// Runs the real tools (nft, ip) the nftables acceptance tests need, each bounded by a timeout.
/// A missing tool fails the test with the install hint; it is never skipped.
/// </summary>
internal static class HostTools
{
    public const string InstallHint = "install nftables iproute2 (apt-get install nftables iproute2)";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly string[] SearchPath =
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]).Distinct().ToArray();

    /// <summary>The full path of a tool, or a test failure naming the packages to install.</summary>
    public static string Require(string tool)
    {
        foreach (var directory in SearchPath)
        {
            string candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate)) return candidate;
        }
        Assert.Fail($"'{tool}' was not found on this machine: {InstallHint}");
        return tool;
    }

    /// <summary>Fails unless the tests run as root (network namespaces need it).</summary>
    public static void RequireRoot()
    {
        var id = Run(Require("id"), ["-u"]);
        Assert.True(id.StandardOutput.Trim() == "0",
            $"the nftables acceptance tests create network namespaces and must run as root (id -u said '{id.StandardOutput.Trim()}'); {InstallHint}");
    }

    public static CommandResult Run(string file, IReadOnlyList<string> arguments, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        string command = file + " " + string.Join(" ", arguments);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command}");
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? Timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It ended on its own just now.
            }
            Assert.Fail($"`{command}` did not finish within {(timeout ?? Timeout).TotalSeconds} s");
        }
        process.WaitForExit();
        lock (stdout) lock (stderr) return new CommandResult(command, process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
