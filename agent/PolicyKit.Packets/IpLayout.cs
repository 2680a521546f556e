namespace PolicyKit.Packets;

/// <summary>What the header walk found, without the addresses (16 bytes).</summary>
internal readonly struct IpLayout(IpFamily family, byte protocol, byte hopLimit, bool routerAlert, int headerLength,
    int payloadOffset, int payloadLength)
{
    public readonly IpFamily Family = family;
    public readonly byte Protocol = protocol;
    public readonly byte HopLimit = hopLimit;
    public readonly bool RouterAlert = routerAlert;
    public readonly ushort HeaderLength = (ushort)headerLength;
    public readonly int PayloadOffset = payloadOffset;
    public readonly int PayloadLength = payloadLength;

    public int TotalLength => PayloadOffset + PayloadLength;
}
