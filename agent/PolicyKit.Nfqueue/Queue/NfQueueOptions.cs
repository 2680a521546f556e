namespace PolicyKit.Nfqueue.Queue;

/// <summary>How an <see cref="NfQueue"/> binds its queue.</summary>
public sealed record NfQueueOptions
{
    /// <summary>The queue number (0–65535), as in <c>-j NFQUEUE --queue-num N</c>.</summary>
    public ushort QueueNumber { get; init; }

    /// <summary>Bytes of each packet copied to the agent (IGMP/MLD reports need the whole packet).</summary>
    public int CopyRange { get; init; } = 0xffff;

    /// <summary>Packets the kernel holds waiting for a verdict before it drops (or, with <see cref="FailOpenWhenFull"/>, accepts) more.</summary>
    public int MaxLength { get; init; } = 1024;

    /// <summary>
    /// NFQA_CFG_F_FAIL_OPEN: when the queue is full, accept packets instead of dropping them. (When no
    /// program is bound at all, the iptables rule's <c>--queue-bypass</c> decides; see HookOptions.)
    /// </summary>
    public bool FailOpenWhenFull { get; init; }

    /// <summary>The socket's receive buffer (SO_RCVBUFFORCE as root).</summary>
    public int ReceiveBufferBytes { get; init; } = 4 << 20;

    /// <summary>How long one receive waits before the loop looks at its stop flag and timers.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long binding waits for the kernel's answers.</summary>
    public TimeSpan ConfigTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public void Validate()
    {
        if (CopyRange is < 64 or > 0xffff) throw new ArgumentOutOfRangeException(nameof(CopyRange), CopyRange, "copy range must be 64..65535 bytes");
        if (MaxLength is < 1 or > 1 << 20) throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "queue max length must be 1..1048576");
        if (ReceiveTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ReceiveTimeout), "the receive timeout must be positive");
    }
}
