namespace PolicyKit.Nfqueue.Queue;

/// <summary>The netfilter verdicts a queue consumer gives (values as in linux/netfilter.h).</summary>
public enum PacketVerdict : uint
{
    Drop = 0,
    Accept = 1,

    /// <summary>Run the packet through the hook again (from the start of its chain).</summary>
    Repeat = 4,
}

/// <summary>
/// What a <see cref="PacketHandler"/> decided: a verdict, and when the packet was rewritten, the
/// length of the new packet the handler wrote into the rewrite buffer (-1: unchanged).
/// </summary>
public readonly record struct HandlerResult(PacketVerdict Verdict, int RewrittenLength = -1)
{
    public static HandlerResult Accept => new(PacketVerdict.Accept);

    public static HandlerResult Drop => new(PacketVerdict.Drop);

    public static HandlerResult Rewritten(int length) => new(PacketVerdict.Accept, length);
}

/// <summary>
/// Decides one queued packet. <paramref name="rewrite"/> is a buffer the handler may write a
/// replacement packet into (at least the packet's length); it must not keep either span.
/// </summary>
public delegate HandlerResult PacketHandler(in QueuedPacket packet, Span<byte> rewrite);
