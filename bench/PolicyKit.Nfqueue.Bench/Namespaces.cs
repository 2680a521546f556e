using System.Runtime.InteropServices;
using PolicyKit.Nfqueue.Hooks;

namespace PolicyKit.Nfqueue.Bench;

/// <summary>Network namespaces of one run (deleted at the end) and running code inside one (setns on a fresh thread).</summary>
internal sealed class Namespaces : IDisposable
{
    private readonly List<string> _names = [];

    public string Suffix { get; } = $"{Environment.ProcessId % 100000:x}";

    public string Add(string role)
    {
        string name = $"pkb{role}{Suffix}";
        Run("ip", "netns", "add", name);
        Run("ip", "-n", name, "link", "set", "lo", "up");
        _names.Add(name);
        return name;
    }

    public static void Run(string file, params string[] arguments)
    {
        var r = ProcessCommandRunner.Default.Run(file, arguments);
        if (!r.Ok) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: {r.Error}");
    }

    public static T In<T>(string ns, Func<T> function)
    {
        T? result = default;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{ns}", FileMode.Open, FileAccess.Read);
                if (setns((int)handle.DangerousGetHandle(), 0x40000000) != 0) throw new InvalidOperationException("setns failed");
                result = function();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        t.Start();
        t.Join();
        if (error is not null) throw new InvalidOperationException($"in {ns}: {error.Message}", error);
        return result!;
    }

    public void Dispose()
    {
        foreach (var n in _names) ProcessCommandRunner.Default.Run("ip", ["netns", "del", n]);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
