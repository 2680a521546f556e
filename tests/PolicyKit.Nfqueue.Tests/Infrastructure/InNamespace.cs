using System.Runtime.InteropServices;

namespace PolicyKit.Nfqueue.Tests.Infrastructure;

/// <summary>
/// Runs a function on a fresh thread that has entered a network namespace (setns): sockets it
/// opens belong to that namespace for good, so a test can bind an NFQUEUE or write nft sets in a
/// namespace it created and use them from its own threads. The thread ends after the call.
/// </summary>
internal static class InNamespace
{
    private const int CLONE_NEWNET = 0x40000000;

    public static T Run<T>(string ns, Func<T> function)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{ns}", FileMode.Open, FileAccess.Read);
                if (setns((int)handle.DangerousGetHandle(), CLONE_NEWNET) != 0)
                    throw new InvalidOperationException($"setns({ns}) failed: errno {Marshal.GetLastPInvokeError()}");
                result = function();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), $"entering {ns} took too long");
        if (error is not null) throw new InvalidOperationException($"in namespace {ns}: {error.Message}", error);
        return result!;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
