using PolicyKit.Bmp.Wire;
using static PolicyKit.Bmp.Tests.Support.Vectors;

namespace PolicyKit.Bmp.Tests.Support;

/// <summary>Small BMP streams for transport tests.</summary>
internal static class Streams
{
    /// <summary>Initiation, a Peer Up of 192.0.2.1 and <paramref name="prefixes"/> announcements of 11.x.y.0/24.</summary>
    public static byte[] Router(string sysName, int prefixes, string peer = "192.0.2.1") => Concat(
    [
        BmpEncoder.Initiation(sysName, "test"),
        PeerUpFor(peer),
        .. Enumerable.Range(0, prefixes).Select(i => Announce(peer, [64500], $"11.{i / 256}.{i % 256}.0/24")),
    ]);
}
