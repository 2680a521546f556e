namespace PolicyKit.Nfqueue.Queue;

/// <summary>
/// One packet the kernel queued (NFQNL_MSG_PACKET): its id for the verdict, the hook and link
/// protocol, the input/output interface indexes (0 when absent), the mark, and the IP packet
/// (<see cref="Payload"/>, starting at the IP header, at most the queue's copy range; see
/// <see cref="OriginalLength"/>). A view over the receive buffer: valid until the next receive.
/// </summary>
public readonly ref struct QueuedPacket
{
    public QueuedPacket(ushort queue, uint id, ushort hardwareProtocol, byte hook, uint inputInterface, uint outputInterface,
        uint mark, bool hasMark, ReadOnlySpan<byte> payload, int originalLength)
    {
        Queue = queue;
        Id = id;
        HardwareProtocol = hardwareProtocol;
        Hook = hook;
        InputInterface = inputInterface;
        OutputInterface = outputInterface;
        Mark = mark;
        HasMark = hasMark;
        Payload = payload;
        OriginalLength = originalLength;
    }

    /// <summary>The queue number the packet came from.</summary>
    public ushort Queue { get; }

    /// <summary>The kernel's packet id: the verdict names it.</summary>
    public uint Id { get; }

    /// <summary>The link-layer protocol (EtherType: 0x0800 IPv4, 0x86DD IPv6).</summary>
    public ushort HardwareProtocol { get; }

    /// <summary>The netfilter hook (0 prerouting, 1 input, 2 forward, 3 output, 4 postrouting).</summary>
    public byte Hook { get; }

    /// <summary>The interface index the packet came in on; 0 when the kernel gave none.</summary>
    public uint InputInterface { get; }

    /// <summary>The interface index it goes out of (forward/output hooks); 0 when none.</summary>
    public uint OutputInterface { get; }

    public uint Mark { get; }

    public bool HasMark { get; }

    /// <summary>The IP packet (from the IP header), cut to the copy range.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The packet's whole length (NFQA_CAP_LEN when the copy was cut, else the payload's length).</summary>
    public int OriginalLength { get; }

    /// <summary>True when <see cref="Payload"/> is the whole packet (not cut by the copy range).</summary>
    public bool IsComplete => OriginalLength == Payload.Length;
}
