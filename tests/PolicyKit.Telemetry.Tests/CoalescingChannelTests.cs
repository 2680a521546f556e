using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MQTTnet.Exceptions;
using MQTTnet.Implementations;

namespace PolicyKit.Telemetry.Tests;

/// <summary>
/// The publisher's socket channel over a real loopback TCP connection: bytes leave in the order
/// handed in, many packets share a write, a lone packet is written without waiting for more, a
/// DISCONNECT is on the wire before the socket closes, a broken connection fails writes and reads,
/// and a peer that stops reading stops the writer instead of growing memory.
/// (TLS goes through the same channel in <see cref="MutualTlsTests"/>.)
/// </summary>
public class CoalescingChannelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Packets_leave_in_order_and_share_socket_writes()
    {
        using var pair = await SocketPair.OpenAsync();
        using var channel = new CoalescingChannel(new MqttTcpChannel(new NetworkStream(pair.Client), null!, null!, null!));
        const int packets = 2000;
        var expected = new List<byte>();
        for (int i = 0; i < packets; i++)
        {
            // As MQTTnet writes a fragmented PUBLISH: the header, then the payload ending the packet.
            byte[] header = [0x32, 4, (byte)(i >> 8), (byte)i];
            byte[] payload = [(byte)(i * 7), (byte)(i * 13)];
            await channel.WriteAsync(new ReadOnlySequence<byte>(header), false, CancellationToken.None);
            await channel.WriteAsync(new ReadOnlySequence<byte>(payload), true, CancellationToken.None);
            expected.AddRange(header);
            expected.AddRange(payload);
        }

        byte[] received = await pair.ReceiveAsync(expected.Count, Timeout);
        Assert.Equal(expected, received);
        Assert.InRange(channel.InnerWrites, 1, packets / 2);
    }

    [Fact]
    public async Task A_lone_packet_is_written_without_waiting_for_more()
    {
        using var pair = await SocketPair.OpenAsync();
        using var channel = new CoalescingChannel(new MqttTcpChannel(new NetworkStream(pair.Client), null!, null!, null!));
        byte[] ping = [0xC0, 0x00];
        for (int round = 0; round < 3; round++)
        {
            await channel.WriteAsync(new ReadOnlySequence<byte>(ping), true, CancellationToken.None);
            Assert.Equal(ping, await pair.ReceiveAsync(2, Timeout));
        }
    }

    [Fact]
    public async Task Many_small_packets_are_read_with_one_socket_read_and_handed_out_as_asked()
    {
        using var pair = await SocketPair.OpenAsync();
        using var channel = new CoalescingChannel(new MqttTcpChannel(new NetworkStream(pair.Client), null!, null!, null!));
        // 100 PUBACKs (4 bytes each) in one segment, read as MQTTnet reads them: 2, then 2.
        byte[] acks = Enumerable.Range(1, 100).SelectMany(i => new byte[] { 0x40, 0x02, 0, (byte)i }).ToArray();
        pair.Server.Send(acks);
        var buffer = new byte[2];
        for (int i = 1; i <= 100; i++)
        {
            Assert.Equal(2, await channel.ReadAsync(buffer, 0, 2, CancellationToken.None));
            Assert.Equal(new byte[] { 0x40, 0x02 }, buffer);
            Assert.Equal(2, await channel.ReadAsync(buffer, 0, 2, CancellationToken.None));
            Assert.Equal(new byte[] { 0, (byte)i }, buffer);
        }
        Assert.Equal(1, channel.InnerReads);
        pair.Server.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, await channel.ReadAsync(buffer, 0, 2, CancellationToken.None));   // end of stream, as before
    }

    [Fact]
    public async Task A_disconnect_is_on_the_wire_before_the_socket_closes()
    {
        using var pair = await SocketPair.OpenAsync();
        var channel = new CoalescingChannel(new MqttTcpChannel(new NetworkStream(pair.Client, ownsSocket: true), null!, null!, null!));
        byte[] publish = [0x30, 3, 0, 1, (byte)'x'];
        byte[] disconnect = [0xE0, 0x00];
        for (int i = 0; i < 200; i++) await channel.WriteAsync(new ReadOnlySequence<byte>(publish), true, CancellationToken.None);
        await channel.WriteAsync(new ReadOnlySequence<byte>(disconnect), true, CancellationToken.None);
        await channel.DisconnectAsync(CancellationToken.None);

        byte[] all = await pair.ReceiveToEndAsync(Timeout);
        Assert.Equal(200 * publish.Length + disconnect.Length, all.Length);
        Assert.Equal(disconnect, all[^2..]);
    }

    [Fact]
    public async Task A_broken_connection_fails_later_writes_and_the_reader_with_a_communication_error()
    {
        using var pair = await SocketPair.OpenAsync();
        using var channel = new CoalescingChannel(new MqttTcpChannel(new NetworkStream(pair.Client), null!, null!, null!));
        var read = channel.ReadAsync(new byte[2], 0, 2, CancellationToken.None);
        pair.Server.LingerState = new LingerOption(true, 0);
        pair.Server.Close();   // RST: the next write to it fails

        byte[] publish = [0x30, 3, 0, 1, (byte)'x'];
        Exception? writeError = null;
        var deadline = DateTime.UtcNow + Timeout;
        while (writeError is null && DateTime.UtcNow < deadline)
        {
            try
            {
                await channel.WriteAsync(new ReadOnlySequence<byte>(publish), true, CancellationToken.None);
                await Task.Delay(10);
            }
            catch (Exception e)
            {
                writeError = e;
            }
        }
        Assert.IsType<MqttCommunicationException>(writeError);
        // The reader does not hang: it ends with an error (or end of stream) as a lost connection does.
        int? readResult = null;
        Exception? readError = null;
        try
        {
            readResult = await read.WaitAsync(Timeout);
        }
        catch (Exception e)
        {
            readError = e;
        }
        Assert.True(readError is MqttCommunicationException or SocketException || readResult == 0, $"the read ended with {readResult} / {readError}");
    }

    [Fact]
    public async Task A_peer_that_stops_reading_stops_the_writer_instead_of_growing_memory()
    {
        using var pair = await SocketPair.OpenAsync();
        using var channel = new CoalescingChannel(new MqttTcpChannel(new NetworkStream(pair.Client, ownsSocket: true), null!, null!, null!));
        var chunk = new ReadOnlySequence<byte>(new byte[64 * 1024]);
        long handedIn = 0;
        Task? blocked = null;
        // The kernel takes a few MB on loopback; then the writer blocks, the pending buffer fills to
        // HighWater, and a write waits. Without the bound all 256 MB would be accepted.
        while (handedIn < 256L * 1024 * 1024)
        {
            var write = channel.WriteAsync(chunk, true, CancellationToken.None);
            handedIn += chunk.Length;
            if (!await Completes(write, TimeSpan.FromSeconds(2)))
            {
                blocked = write;
                break;
            }
        }
        Assert.NotNull(blocked);

        // Once the peer reads, the writer drains and the waiting write completes.
        var drain = pair.ReceiveToEndAsync(Timeout);
        await blocked!.WaitAsync(Timeout);
        channel.Dispose();
        await drain;
    }

    private static async Task<bool> Completes(Task task, TimeSpan within) =>
        await Task.WhenAny(task, Task.Delay(within)) == task;

    /// <summary>Two connected loopback sockets: Client (the channel's) and Server (the test's).</summary>
    private sealed class SocketPair : IDisposable
    {
        private SocketPair(Socket client, Socket server) => (Client, Server) = (client, server);

        public Socket Client { get; }
        public Socket Server { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await client.ConnectAsync(listener.LocalEndPoint!);
            var server = await listener.AcceptAsync();
            return new SocketPair(client, server);
        }

        public async Task<byte[]> ReceiveAsync(int count, TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            var buffer = new byte[count];
            int got = 0;
            while (got < count)
            {
                int n = await Server.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, cancel.Token);
                if (n == 0) Assert.Fail($"the connection ended after {got} of {count} bytes");
                got += n;
            }
            return buffer;
        }

        public async Task<byte[]> ReceiveToEndAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            var all = new MemoryStream();
            var buffer = new byte[256 * 1024];
            while (true)
            {
                int n;
                try
                {
                    n = await Server.ReceiveAsync(buffer, SocketFlags.None, cancel.Token);
                }
                catch (SocketException)
                {
                    break;   // the channel was disposed mid-stream (a reset)
                }
                if (n == 0) break;
                all.Write(buffer, 0, n);
            }
            return all.ToArray();
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }
}
