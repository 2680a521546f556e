namespace PolicyKit.Packets;

/// <summary>The IP version of a packet or address. <c>None</c> (0) is "no address".</summary>
public enum IpFamily : byte
{
    None = 0,
    V4 = 4,
    V6 = 6,
}
