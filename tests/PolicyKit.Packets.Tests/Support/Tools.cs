using System.Diagnostics;

namespace PolicyKit.Packets.Tests.Support;

/// <summary>External programs the tests drive: found on PATH, or the test fails naming the Debian package.</summary>
public static class Tools
{
    public static string Require(string program, string debianPackage)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
        {
            var path = Path.Combine(dir, program);
            if (File.Exists(path)) return path;
        }
        foreach (var dir in new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" })
        {
            var path = Path.Combine(dir, program);
            if (File.Exists(path)) return path;
        }
        Assert.Fail($"'{program}' is not installed: apt-get install -y {debianPackage}");
        return "";
    }

    public static void RequireRoot()
    {
        if (Environment.UserName != "root" && !string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal))
            Assert.Fail("this test creates network namespaces and must run as root");
    }

    /// <summary>Runs a program to completion (bounded), returning exit code, stdout and stderr.</summary>
    public static (int Exit, string Out, string Err) Run(string program, IEnumerable<string> args, int timeoutMs = 60_000, string? stdin = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string RunOk(string program, params string[] args)
    {
        var (exit, output, error) = Run(program, args);
        if (exit != 0) Assert.Fail($"{program} {string.Join(' ', args)} exited {exit}: {error.Trim()}");
        return output;
    }
}
