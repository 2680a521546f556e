namespace PolicyKit.Packets.Membership;

public enum RewriteOutcome : byte
{
    /// <summary>Nothing is removed: pass the original packet on as it is (nothing was written).</summary>
    Unchanged,
    /// <summary>Some items were removed: the destination holds the new packet (bytesWritten long).</summary>
    Rewritten,
    /// <summary>Every item is denied: drop the packet (nothing was written).</summary>
    NothingKept,
    /// <summary>The destination is shorter than the original packet.</summary>
    DestinationTooSmall,
    /// <summary>The keep mask is shorter than <see cref="MembershipMessage.MaskLength"/>.</summary>
    MaskTooShort,
}
