using System.Buffers.Binary;
using System.Text;
using PolicyKit.Engine;

namespace PolicyKit.Bmp.Wire;

/// <summary>
/// Builds BMP and BGP messages byte by byte: for test vectors, stream generators and the
/// benchmark. It writes what it is told (including malformed fields), it does not validate.
/// </summary>
public static class BmpEncoder
{
    public static byte[] Message(BmpMessageType type, params byte[][] parts)
    {
        int length = BmpWire.CommonHeaderLength + parts.Sum(p => p.Length);
        var bytes = new byte[length];
        bytes[0] = BmpWire.Version;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), (uint)length);
        bytes[5] = (byte)type;
        int at = BmpWire.CommonHeaderLength;
        foreach (var part in parts)
        {
            part.CopyTo(bytes, at);
            at += part.Length;
        }
        return bytes;
    }

    public static byte[] PerPeer(BmpPeerType type, byte flags, ulong distinguisher, Address address, uint peerAs, uint bgpId, uint seconds = 0, uint microseconds = 0)
    {
        var bytes = new byte[BmpWire.PerPeerHeaderLength];
        bytes[0] = (byte)type;
        bytes[1] = (byte)(flags | (address.Family == Tables.Model.AddressFamily.V6 ? BmpWire.FlagIpv6 : 0));
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(2), distinguisher);
        if (address.Family == Tables.Model.AddressFamily.V6) BinaryPrimitives.WriteUInt128BigEndian(bytes.AsSpan(10), address.Value);
        else BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(22), address.Low32);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(26), peerAs);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(30), bgpId);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(34), seconds);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(38), microseconds);
        return bytes;
    }

    public static byte[] Tlv(ushort type, byte[] value)
    {
        var bytes = new byte[4 + value.Length];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, type);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)value.Length);
        value.CopyTo(bytes, 4);
        return bytes;
    }

    public static byte[] Tlv(ushort type, string text) => Tlv(type, Encoding.UTF8.GetBytes(text));

    public static byte[] Initiation(string? sysName, string? sysDescr, params byte[][] more)
    {
        var parts = new List<byte[]>();
        if (sysDescr is not null) parts.Add(Tlv(1, sysDescr));
        if (sysName is not null) parts.Add(Tlv(2, sysName));
        parts.AddRange(more);
        return Message(BmpMessageType.Initiation, [.. parts]);
    }

    public static byte[] Termination(ushort reason, string? text = null)
    {
        var reasonValue = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(reasonValue, reason);
        return text is null ? Message(BmpMessageType.Termination, Tlv(1, reasonValue)) : Message(BmpMessageType.Termination, Tlv(0, text), Tlv(1, reasonValue));
    }

    /// <summary>A BGP message: marker, length, type, body.</summary>
    public static byte[] Bgp(BgpMessageType type, byte[] body, int? lengthOverride = null)
    {
        var bytes = new byte[BgpMessage.HeaderLength + body.Length];
        bytes.AsSpan(0, 16).Fill(0xFF);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(16), (ushort)(lengthOverride ?? bytes.Length));
        bytes[18] = (byte)type;
        body.CopyTo(bytes, BgpMessage.HeaderLength);
        return bytes;
    }

    public static byte[] Capability(byte code, params byte[] value) => [code, (byte)value.Length, .. value];

    public static byte[] FourOctetAsCapability(uint asn)
    {
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, asn);
        return Capability(65, value);
    }

    public static byte[] MultiprotocolCapability(ushort afi, byte safi) => Capability(1, (byte)(afi >> 8), (byte)afi, 0, safi);

    public static byte[] AddPathCapability(ushort afi, byte safi, byte mode) => Capability(69, (byte)(afi >> 8), (byte)afi, safi, mode);

    /// <summary>An OPEN whose capabilities are in one optional parameter (type 2).</summary>
    public static byte[] Open(ushort myAs, ushort holdTime, uint bgpId, params byte[][] capabilities)
    {
        var caps = capabilities.SelectMany(c => c).ToArray();
        var parameters = caps.Length == 0 ? [] : new byte[] { 2, (byte)caps.Length }.Concat(caps).ToArray();
        var body = new byte[10 + parameters.Length];
        body[0] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(1), myAs);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(3), holdTime);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(5), bgpId);
        body[9] = (byte)parameters.Length;
        parameters.CopyTo(body, 10);
        return Bgp(BgpMessageType.Open, body);
    }

    public static byte[] PeerUp(byte[] perPeer, Address local, ushort localPort, ushort remotePort, byte[] sentOpen, byte[] receivedOpen, params byte[][] tlvs)
    {
        var addresses = new byte[20];
        if (local.Family == Tables.Model.AddressFamily.V6) BinaryPrimitives.WriteUInt128BigEndian(addresses, local.Value);
        else BinaryPrimitives.WriteUInt32BigEndian(addresses.AsSpan(12), local.Low32);
        BinaryPrimitives.WriteUInt16BigEndian(addresses.AsSpan(16), localPort);
        BinaryPrimitives.WriteUInt16BigEndian(addresses.AsSpan(18), remotePort);
        return Message(BmpMessageType.PeerUp, [perPeer, addresses, sentOpen, receivedOpen, .. tlvs]);
    }

    public static byte[] PeerDown(byte[] perPeer, byte reason, params byte[] data) => Message(BmpMessageType.PeerDown, perPeer, [reason], data);

    public static byte[] Notification(byte code, byte subcode, params byte[] data) => Bgp(BgpMessageType.Notification, [code, subcode, .. data]);

    public static byte[] RouteMonitoring(byte[] perPeer, byte[] bgpUpdate) => Message(BmpMessageType.RouteMonitoring, perPeer, bgpUpdate);

    public static byte[] Statistics(byte[] perPeer, params (ushort Type, byte[] Value)[] counters)
    {
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, (uint)counters.Length);
        return Message(BmpMessageType.StatisticsReport, [perPeer, count, .. counters.Select(c => Tlv(c.Type, c.Value))]);
    }

    public static byte[] RouteMirroring(byte[] perPeer, params byte[][] tlvs) => Message(BmpMessageType.RouteMirroring, [perPeer, .. tlvs]);

    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    // ── UPDATE ───────────────────────────────────────────────────────────────────────────

    /// <summary>A path attribute; the extended-length flag is set (and a 2-byte length written) when needed or asked.</summary>
    public static byte[] Attribute(byte flags, byte code, byte[] value, bool extendedLength = false)
    {
        bool extended = extendedLength || value.Length > 255;
        var bytes = new byte[(extended ? 4 : 3) + value.Length];
        bytes[0] = (byte)(flags | (extended ? PathAttribute.FlagExtendedLength : 0));
        bytes[1] = code;
        if (extended) BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2), (ushort)value.Length);
        else bytes[2] = (byte)value.Length;
        value.CopyTo(bytes, extended ? 4 : 3);
        return bytes;
    }

    public static byte[] Origin(byte origin = 0) => Attribute(PathAttribute.FlagTransitive, PathAttribute.Origin, [origin]);

    public static byte[] AsPathAttribute(bool fourOctet, params uint[] ases) =>
        Attribute(PathAttribute.FlagTransitive, PathAttribute.AsPath, ases.Length == 0 ? [] : AsPath.Sequence(fourOctet, ases));

    public static byte[] NextHop(Address address) => Attribute(PathAttribute.FlagTransitive, PathAttribute.NextHop, U32(address.Low32));

    public static byte[] Med(uint med) => Attribute(PathAttribute.FlagOptional, PathAttribute.Med, U32(med));

    public static byte[] LocalPref(uint preference) => Attribute(PathAttribute.FlagTransitive, PathAttribute.LocalPref, U32(preference));

    public static byte[] Communities(params uint[] communities) =>
        Attribute(PathAttribute.FlagOptional | PathAttribute.FlagTransitive, PathAttribute.Communities, communities.SelectMany(U32).ToArray());

    public static byte[] Prefixes(IEnumerable<RoutePrefix> prefixes, bool addPath)
    {
        var buffer = new byte[4096];
        var output = new List<byte>();
        foreach (var p in prefixes)
        {
            int n = Nlri.Write(buffer, p, addPath);
            output.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        return [.. output];
    }

    public static byte[] MpReach(ushort afi, byte safi, byte[] nextHop, IEnumerable<RoutePrefix> prefixes, bool addPath = false) =>
        Attribute(PathAttribute.FlagOptional, PathAttribute.MpReach,
            [(byte)(afi >> 8), (byte)afi, safi, (byte)nextHop.Length, .. nextHop, 0, .. Prefixes(prefixes, addPath)]);

    public static byte[] MpUnreach(ushort afi, byte safi, IEnumerable<RoutePrefix> prefixes, bool addPath = false) =>
        Attribute(PathAttribute.FlagOptional, PathAttribute.MpUnreach, [(byte)(afi >> 8), (byte)afi, safi, .. Prefixes(prefixes, addPath)]);

    /// <summary>An UPDATE from its three parts (IPv4 withdrawn, attributes, IPv4 NLRI) already encoded.</summary>
    public static byte[] UpdateRaw(byte[] withdrawn, byte[] attributes, byte[] nlri)
    {
        var body = new byte[4 + withdrawn.Length + attributes.Length + nlri.Length];
        BinaryPrimitives.WriteUInt16BigEndian(body, (ushort)withdrawn.Length);
        withdrawn.CopyTo(body, 2);
        BinaryPrimitives.WriteUInt16BigEndian(body.AsSpan(2 + withdrawn.Length), (ushort)attributes.Length);
        attributes.CopyTo(body, 4 + withdrawn.Length);
        nlri.CopyTo(body, 4 + withdrawn.Length + attributes.Length);
        return Bgp(BgpMessageType.Update, body);
    }

    public static byte[] Update(IEnumerable<RoutePrefix> withdrawn, IEnumerable<byte[]> attributes, IEnumerable<RoutePrefix> announced, bool addPath = false) =>
        UpdateRaw(Prefixes(withdrawn, addPath), attributes.SelectMany(a => a).ToArray(), Prefixes(announced, addPath));

    public static RoutePrefix Prefix(string text, uint pathId = 0) =>
        RoutePrefix.TryParse(text, RouteFamily.Ipv4Unicast, out var p) ? p with { PathId = pathId } : throw new FormatException($"'{text}' is not a prefix");
}
