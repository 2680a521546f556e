using System.Net;
using System.Net.Sockets;

namespace PolicyKit.Telemetry.Tests;

/// <summary>
/// A TCP relay on 127.0.0.1 in front of a broker, so a test can cut a live connection without
/// a DISCONNECT (<see cref="Sever"/>: RST on both sides, as when a box loses power or its link)
/// and hold a client off while the test gets ready (<see cref="Block"/>/<see cref="Unblock"/>).
/// </summary>
internal sealed class TcpRelay : IDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(Socket Down, Socket Up)> _pairs = [];
    private volatile bool _blocked;
    private int _accepted;

    public TcpRelay(int upstreamPort)
    {
        _upstream = new IPEndPoint(IPAddress.Loopback, upstreamPort);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _ = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>When set, a client→broker chunk containing these bytes resets the connection (a broker that chokes on one message).</summary>
    public byte[]? ResetOn { get; set; }

    /// <summary>Connections accepted so far (each client connection attempt counts).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Resets every relayed connection (both sides) and refuses new ones (accept, then RST).</summary>
    public void Block()
    {
        _blocked = true;
        Sever();
    }

    public void Unblock() => _blocked = false;

    /// <summary>Resets every relayed connection on both sides, without any MQTT DISCONNECT.</summary>
    public void Sever()
    {
        List<(Socket, Socket)> pairs;
        lock (_lock)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
        }
        foreach (var (down, up) in pairs)
        {
            Reset(down);
            Reset(up);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        Sever();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket down;
            try
            {
                down = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            Interlocked.Increment(ref _accepted);
            if (_blocked)
            {
                Reset(down);
                continue;
            }
            _ = RelayAsync(down);
        }
    }

    private async Task RelayAsync(Socket down)
    {
        var up = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(5));
            await up.ConnectAsync(_upstream, connectTimeout.Token);
        }
        catch (Exception)
        {
            Reset(down);
            up.Dispose();
            return;
        }
        lock (_lock) _pairs.Add((down, up));
        // When either direction ends, tear down both sides so the other end sees it at once.
        await Task.WhenAny(PumpAsync(down, up, inspect: true), PumpAsync(up, down, inspect: false));
        lock (_lock) _pairs.Remove((down, up));
        Reset(down);
        Reset(up);
    }

    private async Task PumpAsync(Socket from, Socket to, bool inspect)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) return;
                if (inspect && ResetOn is { } pattern && buffer.AsSpan(0, n).IndexOf(pattern) >= 0) return;
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception)
        {
            // Reset or disposed by Sever/Block/Dispose: the relay simply ends.
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);   // close with RST, not FIN
            socket.Close();
        }
        catch (Exception)
        {
            // Already closed.
        }
    }
}
