namespace PolicyKit.Packets.Membership;

/// <summary>Checks the decoder may skip. The default verifies every checksum.</summary>
[Flags]
public enum DecodeOptions
{
    None = 0,
    /// <summary>Do not verify the IPv4 header checksum (e.g. NFQUEUE: the kernel has checked it).</summary>
    SkipIpv4HeaderChecksum = 1,
    /// <summary>Do not verify the IGMP / ICMPv6 checksum (only for benchmarks or already-verified input).</summary>
    SkipMessageChecksum = 2,
}
