using PolicyKit.Bmp.Wire;
using PolicyKit.Engine;
using static PolicyKit.Bmp.Wire.BmpEncoder;

namespace PolicyKit.Bmp.Tests.Support;

/// <summary>Short forms for building test vectors.</summary>
internal static class Vectors
{
    public static Address A(string text) => Address.Parse(text);

    public static RoutePrefix P(string text, uint pathId = 0) => Prefix(text, pathId);

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static byte[] PeerHeader(string address, uint asn = 64500, byte flags = 0, BmpPeerType type = BmpPeerType.Global, ulong rd = 0, uint bgpId = 0xC0000201) =>
        PerPeer(type, flags, rd, A(address), asn, bgpId, 1_700_000_000, 5);

    /// <summary>A complete Peer Up for an IPv4/IPv6 peer with 4-octet AS on both sides, plus extra capabilities on both OPENs.</summary>
    public static byte[] PeerUpFor(string address, uint asn = 64500, byte flags = 0, params byte[][] capabilities)
    {
        var sent = Open(64496, 90, 0xC00002FE, [FourOctetAsCapability(64496), MultiprotocolCapability(1, 1), MultiprotocolCapability(2, 1), .. capabilities]);
        var received = Open((ushort)Math.Min(asn, 23456), 90, 0xC0000201, [FourOctetAsCapability(asn), MultiprotocolCapability(1, 1), MultiprotocolCapability(2, 1), .. capabilities]);
        var local = A(address).Family == Tables.Model.AddressFamily.V6 ? A("2001:db8::fe") : A("192.0.2.254");
        return PeerUp(PeerHeader(address, asn, flags), local, 179, 40000, sent, received);
    }

    /// <summary>An IPv4 announcement with ORIGIN, a 4-octet AS_PATH and NEXT_HOP.</summary>
    public static byte[] Announce(string peer, uint[] asPath, params string[] prefixes) =>
        RouteMonitoring(PeerHeader(peer), Update([], [Origin(0), AsPathAttribute(true, asPath), NextHop(A(peer))], prefixes.Select(p => P(p))));

    public static byte[] AnnounceView(string peer, byte flags, uint[] asPath, params string[] prefixes) =>
        RouteMonitoring(PeerHeader(peer, flags: flags), Update([], [Origin(0), AsPathAttribute(true, asPath), NextHop(A(peer))], prefixes.Select(p => P(p))));

    public static byte[] Withdraw(string peer, params string[] prefixes) =>
        RouteMonitoring(PeerHeader(peer), Update(prefixes.Select(p => P(p)), [], []));

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
