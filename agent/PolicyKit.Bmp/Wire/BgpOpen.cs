using System.Buffers.Binary;

namespace PolicyKit.Bmp.Wire;

/// <summary>One ADD-PATH capability entry (RFC 7911): family and send/receive mode (1 receive, 2 send, 3 both).</summary>
public readonly record struct AddPathEntry(ushort Afi, byte Safi, byte Mode)
{
    public bool CanSend => (Mode & 2) != 0;

    public bool CanReceive => (Mode & 1) != 0;
}

/// <summary>
/// A decoded BGP OPEN (RFC 4271 §4.2) with the capabilities the station needs to decode the
/// peer's UPDATEs: 4-octet AS (RFC 6793), multiprotocol (RFC 4760), ADD-PATH (RFC 7911),
/// extended message (RFC 8654). RFC 9072 extended optional parameters are understood.
/// </summary>
public sealed class BgpOpen
{
    public byte Version { get; private set; }

    /// <summary>The 2-octet My Autonomous System field (AS_TRANS 23456 when the real AS is 4-octet).</summary>
    public ushort MyAs { get; private set; }

    public ushort HoldTime { get; private set; }

    public uint BgpId { get; private set; }

    public bool FourOctetAs { get; private set; }

    public uint As4 { get; private set; }

    public bool ExtendedMessage { get; private set; }

    public bool RouteRefresh { get; private set; }

    public List<(ushort Afi, byte Safi)> Multiprotocol { get; } = [];

    public List<AddPathEntry> AddPath { get; } = [];

    /// <summary>Capabilities the station does not interpret (kept as a count: they change nothing here).</summary>
    public int OtherCapabilities { get; private set; }

    /// <summary>Optional parameters other than capabilities (RFC 4271 type 1 authentication is deprecated).</summary>
    public int OtherParameters { get; private set; }

    public BgpError Error { get; private set; }

    public uint As => FourOctetAs ? As4 : MyAs;

    public bool IsValid => Error == BgpError.None;

    /// <summary>
    /// Decodes an OPEN message (header included) and checks it: version 4, hold time 0 or ≥ 3,
    /// non-zero BGP identifier, parameters and capabilities within their lengths. A defect is
    /// reported in <see cref="Error"/>; whatever was read before it is kept.
    /// </summary>
    public static BgpOpen Decode(ReadOnlySpan<byte> message)
    {
        var open = new BgpOpen();
        var header = BgpMessage.CheckHeader(message, extended: true, out int length, out var type);
        if (header != BgpError.None)
        {
            open.Error = header;
            return open;
        }
        if (type != BgpMessageType.Open)
        {
            open.Error = BgpError.BadType;
            return open;
        }
        var body = message[BgpMessage.HeaderLength..length];
        open.Version = body[0];
        open.MyAs = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        open.HoldTime = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
        open.BgpId = BinaryPrimitives.ReadUInt32BigEndian(body[5..]);
        int paramLength = body[9];
        var rest = body[10..];
        if (open.Version != 4) open.Error = BgpError.OpenUnsupportedVersion;
        else if (open.HoldTime is 1 or 2) open.Error = BgpError.OpenUnacceptableHoldTime;
        else if (open.BgpId == 0) open.Error = BgpError.OpenBadBgpId;

        // RFC 9072: Non-Ext OP Len 255 and Non-Ext OP Type 255 announce 2-octet lengths.
        bool extendedParameters = paramLength == 255 && rest.Length >= 3 && rest[0] == 255;
        if (extendedParameters)
        {
            paramLength = BinaryPrimitives.ReadUInt16BigEndian(rest[1..]);
            rest = rest[3..];
        }
        if (paramLength != rest.Length)
        {
            open.Fail(BgpError.OpenMalformedParameters);
            if (paramLength > rest.Length) return open;
            rest = rest[..paramLength];
        }
        int headerSize = extendedParameters ? 3 : 2;
        while (!rest.IsEmpty)
        {
            if (rest.Length < headerSize)
            {
                open.Fail(BgpError.OpenMalformedParameters);
                break;
            }
            byte paramType = rest[0];
            int valueLength = extendedParameters ? BinaryPrimitives.ReadUInt16BigEndian(rest[1..]) : rest[1];
            if (rest.Length < headerSize + valueLength)
            {
                open.Fail(BgpError.OpenMalformedParameters);
                break;
            }
            var value = rest.Slice(headerSize, valueLength);
            rest = rest[(headerSize + valueLength)..];
            if (paramType == 2) open.ReadCapabilities(value);
            else open.OtherParameters++;
        }
        return open;
    }

    private void Fail(BgpError error)
    {
        if (Error == BgpError.None) Error = error;
    }

    private void ReadCapabilities(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (data.Length < 2 || data.Length < 2 + data[1])
            {
                Fail(BgpError.OpenMalformedCapability);
                return;
            }
            byte code = data[0];
            var value = data.Slice(2, data[1]);
            data = data[(2 + data[1])..];
            switch (code)
            {
                case 1 when value.Length == 4:
                    Multiprotocol.Add((BinaryPrimitives.ReadUInt16BigEndian(value), value[3]));
                    break;
                case 2 when value.Length == 0:
                    RouteRefresh = true;
                    break;
                case 6 when value.Length == 0:
                    ExtendedMessage = true;
                    break;
                case 65 when value.Length == 4:
                    FourOctetAs = true;
                    As4 = BinaryPrimitives.ReadUInt32BigEndian(value);
                    break;
                case 69 when value.Length % 4 == 0:
                    for (int i = 0; i < value.Length; i += 4)
                        AddPath.Add(new AddPathEntry(BinaryPrimitives.ReadUInt16BigEndian(value[i..]), value[i + 2], value[i + 3]));
                    break;
                case 1 or 2 or 6 or 65 or 69:
                    Fail(BgpError.OpenMalformedCapability);
                    break;
                default:
                    OtherCapabilities++;
                    break;
            }
        }
    }

    /// <summary>
    /// The families whose NLRI carry path identifiers from <paramref name="sender"/> to
    /// <paramref name="receiver"/>: the sender advertised send and the receiver receive (RFC 7911 §4).
    /// </summary>
    public static AddPathFamilies AddPathFrom(BgpOpen? sender, BgpOpen? receiver)
    {
        if (sender is null || receiver is null) return AddPathFamilies.None;
        var result = AddPathFamilies.None;
        foreach (var send in sender.AddPath)
        {
            if (!send.CanSend || !RouteFamilies.TryFrom(send.Afi, send.Safi, out var family)) continue;
            foreach (var receive in receiver.AddPath)
            {
                if (receive.CanReceive && receive.Afi == send.Afi && receive.Safi == send.Safi) result |= (AddPathFamilies)(1 << (int)family);
            }
        }
        return result;
    }
}
