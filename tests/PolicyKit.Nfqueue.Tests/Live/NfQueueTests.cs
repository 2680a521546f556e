using System.Buffers.Binary;
using PolicyKit.Nfqueue.Netlink;
using PolicyKit.Nfqueue.Queue;
using PolicyKit.Nfqueue.Tests.Infrastructure;
using PolicyKit.Packets;

namespace PolicyKit.Nfqueue.Tests.Live;

/// <summary>A real NFQUEUE over the raw netlink socket: packets from another namespace, verdicts, a replaced payload.</summary>
public sealed class NfQueueTests : IDisposable
{
    private readonly Lab _lab = new();
    private readonly string _queueSide;
    private readonly string _sender;
    private readonly string _interface;

    public NfQueueTests()
    {
        RealParts.Require("ip", "nft", "iptables-nft", "socat");
        _queueSide = _lab.Namespace("q");
        _sender = _lab.Namespace("s");
        _interface = "q" + _lab.Suffix;
        _lab.Link(_queueSide, _interface, "10.77.0.1/24", _sender, "s" + _lab.Suffix, "10.77.0.2/24");
        _lab.ExecOk(_sender, "ip", "route", "add", "224.0.0.0/4", "dev", "s" + _lab.Suffix);
        _lab.ExecOk(_queueSide, "iptables-nft", "-t", "mangle", "-A", "PREROUTING", "-i", _interface, "-p", "udp", "-d", "239.9.9.9", "-j", "NFQUEUE", "--queue-num", "5");
        // After mangle: counts what the verdicts let through, and what was rewritten (DSCP 46).
        var counters = _lab.File("count.nft", "table inet count {\n\tchain pre {\n\t\ttype filter hook prerouting priority 0; policy accept;\n" +
            "\t\tip daddr 239.9.9.9 counter\n\t\tip daddr 239.9.9.9 ip dscp 0x2e counter\n\t}\n}\n");
        _lab.ExecOk(_queueSide, "nft", "-f", counters);
    }

    public void Dispose() => _lab.Dispose();

    private void Send(string text) =>
        Assert.True(ProcessCommandRunner().Run("ip", ["netns", "exec", _sender, "socat", "-u", "-", $"UDP4-DATAGRAM:239.9.9.9:5000,ip-multicast-ttl=4,ip-multicast-if=10.77.0.2"], text).Ok);

    private static Hooks.ProcessCommandRunner ProcessCommandRunner() => Hooks.ProcessCommandRunner.Default;

    private long[] Counters()
    {
        string listing = _lab.ExecOk(_queueSide, "nft", "list", "chain", "inet", "count", "pre");
        return listing.Split('\n').Where(l => l.Contains("counter packets", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split("packets ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    [Fact]
    public void Packets_arrive_with_their_input_interface_and_get_accept_drop_and_a_replaced_payload()
    {
        using var queue = InNamespace.Run(_queueSide, () => NfQueue.Open(new NfQueueOptions { QueueNumber = 5, ReceiveTimeout = TimeSpan.FromMilliseconds(100) }));
        uint expectedIndex = uint.Parse(_lab.ExecOk(_queueSide, "cat", $"/sys/class/net/{_interface}/ifindex"), System.Globalization.CultureInfo.InvariantCulture);
        var seen = new List<(uint InDev, string Payload)>();
        int n = 0;
        HandlerResult Handle(in QueuedPacket p, Span<byte> rewrite)
        {
            Assert.Equal(DecodeStatus.Ok, IpHeader.Parse(p.Payload, out var ip));
            string data = System.Text.Encoding.ASCII.GetString(p.Payload[ip.PayloadOffset..][8..]).Trim();
            seen.Add((p.InputInterface, data));
            switch (n++)
            {
                case 0: return HandlerResult.Accept;
                case 1: return HandlerResult.Drop;
                default:
                    // Same packet with DSCP 46 (TOS 0xb8) and the IPv4 header checksum recomputed.
                    p.Payload.CopyTo(rewrite);
                    rewrite[1] = 0xb8;
                    BinaryPrimitives.WriteUInt16BigEndian(rewrite[10..], 0);
                    BinaryPrimitives.WriteUInt16BigEndian(rewrite[10..], InternetChecksum.Compute(rewrite[..20]));
                    return HandlerResult.Rewritten(p.Payload.Length);
            }
        }

        var receiver = new Thread(() =>
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (n < 3 && DateTime.UtcNow < deadline) queue.ReceiveOnce(Handle);
        });
        receiver.Start();
        Send("first");
        Send("second");
        Send("third");
        Assert.True(receiver.Join(TimeSpan.FromSeconds(25)));

        Assert.Equal(["first", "second", "third"], seen.Select(s => s.Payload));
        Assert.All(seen, s => Assert.Equal(expectedIndex, s.InDev));
        Assert.Equal(3, queue.Counters.Received);
        Assert.Equal(1, queue.Counters.Dropped);
        Assert.Equal(1, queue.Counters.Rewritten);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Counters()[0] < 2 && DateTime.UtcNow < deadline) Thread.Sleep(100);
        Assert.Equal([2L, 1L], Counters());   // accepted + rewritten passed; the rewritten one carries DSCP 46
        Assert.Equal(0, queue.Counters.KernelErrors);
    }

    [Fact]
    public void A_queue_number_already_bound_is_refused_with_a_clear_error()
    {
        using var first = InNamespace.Run(_queueSide, () => NfQueue.Open(new NfQueueOptions { QueueNumber = 6 }));
        var e = Assert.Throws<InvalidOperationException>(() => InNamespace.Run(_queueSide, () => NfQueue.Open(new NfQueueOptions { QueueNumber = 6 })));
        var inner = Assert.IsType<NetlinkException>(e.InnerException);
        Assert.Contains("another program", inner.Message);
        Assert.Contains("NFQUEUE 6", inner.Message);
    }

    [Fact]
    public void Bad_options_are_refused_before_anything_is_opened()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NfQueue.Open(new NfQueueOptions { CopyRange = 10 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NfQueue.Open(new NfQueueOptions { MaxLength = 0 }));
    }
}
