using System.Runtime.InteropServices;

namespace PolicyKit.Agent.Cli;

/// <summary>
/// A process inherits ignored signals from its parent: started under <c>nohup</c> (or by a
/// supervisor that ignores SIGHUP), the agent begins with SIGHUP set to "ignore", and .NET then
/// never delivers it to a <see cref="PosixSignalRegistration"/> — the documented "SIGHUP reloads
/// the table" would silently do nothing. The agent owns SIGHUP (it reloads; it never means
/// "hang up" here), so it takes it back before registering its handler.
/// </summary>
internal static class InheritedSignals
{
    public const int SIGHUP = 1;

    private static readonly nint SigDfl = 0;
    private static readonly nint SigIgn = 1;

    /// <summary>Restores the default disposition of <paramref name="signal"/> when it was inherited as ignored; true if it was.</summary>
    public static bool Reclaim(int signal)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return false;
        // signal() is the portable way to read a disposition: set one, look at the old, put it back.
        nint previous = NativeSignal(signal, SigIgn);
        if (previous == SigIgn)
        {
            NativeSignal(signal, SigDfl);
            return true;
        }
        NativeSignal(signal, previous);
        return false;
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern nint NativeSignal(int signal, nint handler);
}
