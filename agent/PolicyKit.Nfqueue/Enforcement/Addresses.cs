using PolicyKit.Engine;
using PolicyKit.Packets;
using PolicyKit.Tables.Model;

namespace PolicyKit.Nfqueue.Enforcement;

internal static class Addresses
{
    /// <summary>A packet address as the engine's address (None stays None).</summary>
    public static Address ToEngine(this PacketAddress a) => a.Family switch
    {
        IpFamily.V4 => new Address(AddressFamily.V4, a.Value),
        IpFamily.V6 => new Address(AddressFamily.V6, a.Value),
        _ => Address.None,
    };

    /// <summary>Link-local multicast (224.0.0.0/24, ff01::/16, ff02::/16): control traffic, never a routed flow.</summary>
    public static bool IsLinkLocalMulticast(in Address group) => group.Family == AddressFamily.V4
        ? (group.Low32 & 0xffff_ff00) == 0xe000_0000
        : (group.Value >> 112) == 0xff01 || (group.Value >> 112) == 0xff02;

    public static bool IsMulticast(in Address a) => a.Family == AddressFamily.V4
        ? (a.Low32 & 0xf000_0000) == 0xe000_0000
        : a.Family == AddressFamily.V6 && (a.Value >> 120) == 0xff;
}
