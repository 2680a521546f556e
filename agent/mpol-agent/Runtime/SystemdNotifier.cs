using System.Net.Sockets;
using System.Text;

namespace PolicyKit.Agent.Runtime;

/// <summary>
/// sd_notify(3) without libsystemd: datagrams to the socket systemd names in NOTIFY_SOCKET
/// (a path, or an abstract name written with a leading '@'). <c>Type=notify</c> units learn
/// "READY=1" when the agent serves, "RELOADING=1"/"READY=1" around a table reload,
/// "STOPPING=1" on stop, and "WATCHDOG=1" every half of WATCHDOG_USEC while the agent's
/// loop runs — a hung agent is restarted. Without NOTIFY_SOCKET (not under systemd) every
/// call does nothing. A failed send is ignored: telemetry and enforcement never depend on it.
/// </summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;

    private SystemdNotifier(string? socketPath, TimeSpan? watchdog)
    {
        WatchdogInterval = watchdog;
        if (string.IsNullOrEmpty(socketPath) || (socketPath[0] != '/' && socketPath[0] != '@')) return;
        // '@' is the abstract namespace: a leading NUL byte in the address.
        _endpoint = new UnixDomainSocketEndPoint(socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>The notifier systemd asked for through the environment (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID).</summary>
    public static SystemdNotifier FromEnvironment(Func<string, string?> environment)
    {
        TimeSpan? watchdog = null;
        // WATCHDOG_PID, when set, names the process the watchdog is for; a child must not answer for it.
        bool forUs = environment("WATCHDOG_PID") is not { } pid || pid == Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (forUs && long.TryParse(environment("WATCHDOG_USEC"), out long usec) && usec > 0) watchdog = TimeSpan.FromMicroseconds(usec);
        return new SystemdNotifier(environment("NOTIFY_SOCKET"), watchdog);
    }

    public bool Enabled => _socket is not null;

    /// <summary>systemd's watchdog timeout, when it set one; the agent pings at half of it.</summary>
    public TimeSpan? WatchdogInterval { get; }

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}\nMAINPID={Environment.ProcessId}");

    public void Reloading() => Send("RELOADING=1");

    public void Stopping() => Send("STOPPING=1\nSTATUS=stopping");

    public void Watchdog() => Send("WATCHDOG=1");

    public void Status(string status) => Send($"STATUS={status}");

    /// <summary>Pings the watchdog every half interval until <paramref name="stop"/>; returns at once without a watchdog.</summary>
    public async Task RunWatchdogAsync(CancellationToken stop)
    {
        if (!Enabled || WatchdogInterval is not { } interval) return;
        using var timer = new PeriodicTimer(interval / 2);
        try
        {
            do Watchdog();
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Send(string message)
    {
        if (_socket is null) return;
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(message), _endpoint!);
        }
        catch (SocketException)
        {
            // systemd gone or the socket not ours to write: nothing the agent could do about it.
        }
    }

    public void Dispose() => _socket?.Dispose();
}
