using System.Diagnostics;
using System.Text;

namespace PolicyKit.Nfqueue.Hooks;

/// <summary>The outcome of one command: exit code and what it printed (trimmed).</summary>
public readonly record struct CommandResult(int ExitCode, string Output, string Error)
{
    public bool Ok => ExitCode == 0;
}

/// <summary>Runs the nft/iptables commands the hook installer needs (tests give one with a netns prefix).</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>, feeding <paramref name="input"/> on stdin; bounded by a timeout.</summary>
    CommandResult Run(string file, IReadOnlyList<string> arguments, string? input = null);
}

/// <summary>
/// Starts each command as a child process, optionally behind a prefix (e.g. <c>ip netns exec NS</c>).
/// A command that outlives <see cref="Timeout"/> is killed (it is our own child) and reported as
/// exit code -1. A missing program is reported as exit code 127 with the Debian package to install.
/// </summary>
public sealed class ProcessCommandRunner(IReadOnlyList<string>? prefix = null) : ICommandRunner
{
    public static readonly ProcessCommandRunner Default = new();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(20);

    public CommandResult Run(string file, IReadOnlyList<string> arguments, string? input = null)
    {
        var start = new ProcessStartInfo
        {
            FileName = prefix is { Count: > 0 } ? prefix[0] : file,
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (prefix is { Count: > 0 })
        {
            foreach (var p in prefix.Skip(1)) start.ArgumentList.Add(p);
            start.ArgumentList.Add(file);
        }
        foreach (var a in arguments) start.ArgumentList.Add(a);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new CommandResult(127, string.Empty, $"{file}: not found — install the Debian package {PackageOf(file)}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                try
                {
                    process.StandardInput.Write(input);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // The command exited before reading its input; its exit code and stderr say why.
                }
            }
            if (!process.WaitForExit(Timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit(2000);
                return new CommandResult(-1, string.Empty, $"{file} {string.Join(' ', arguments)}: no answer within {Timeout.TotalSeconds:0} s (killed)");
            }
            process.WaitForExit();
            return new CommandResult(process.ExitCode, stdout.Result.Trim(), stderr.Result.Trim());
        }
    }

    /// <summary>The Debian package that provides a tool this library runs.</summary>
    public static string PackageOf(string file) => Path.GetFileName(file) switch
    {
        "nft" => "nftables",
        "iptables-nft" or "ip6tables-nft" or "iptables" or "ip6tables" => "iptables",
        "ip" => "iproute2",
        _ => Path.GetFileName(file),
    };
}
