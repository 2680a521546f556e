using System.Buffers.Binary;
using System.Text;
using PolicyKit.Engine;

namespace PolicyKit.Bmp.Wire;

/// <summary>
/// Decoders of the BMP messages other than Route Monitoring (RFC 7854 §4.3–4.10, RFC 9069).
/// Each takes the message body after the common header and returns plain data with an
/// <c>Error</c> when the message is malformed: the stream's framing is intact (the common
/// header located the next message), so a bad message is counted and skipped, never fatal.
/// Unknown TLV types are kept (as raw type/value) and counted.
/// </summary>
public static class BmpMessages
{
    public static InformationMessage DecodeInitiation(ReadOnlySpan<byte> body) => DecodeInformation(body, termination: false);

    public static InformationMessage DecodeTermination(ReadOnlySpan<byte> body) => DecodeInformation(body, termination: true);

    private static InformationMessage DecodeInformation(ReadOnlySpan<byte> body, bool termination)
    {
        var message = new InformationMessage();
        var tlvs = new TlvReader(body);
        while (tlvs.MoveNext())
        {
            switch (tlvs.Type)
            {
                case 0:
                    message.Strings.Add(Text(tlvs.Value));
                    break;
                case 1 when termination:
                    if (tlvs.Value.Length == 2) message.Reason = BinaryPrimitives.ReadUInt16BigEndian(tlvs.Value);
                    else message.Error ??= "termination reason TLV is not 2 bytes";
                    break;
                case 1:
                    message.SysDescr = Text(tlvs.Value);
                    break;
                case 2 when !termination:
                    message.SysName = Text(tlvs.Value);
                    break;
                default:
                    message.Unknown.Add(new UnknownTlv(tlvs.Type, tlvs.Value.ToArray()));
                    break;
            }
        }
        if (tlvs.Malformed) message.Error ??= "a TLV runs past the end of the message";
        return message;
    }

    public static PeerUpMessage DecodePeerUp(ReadOnlySpan<byte> body)
    {
        var message = new PeerUpMessage();
        if (!PerPeerHeader.TryRead(body, out var header))
        {
            message.Error = "Peer Up shorter than its per-peer header";
            return message;
        }
        message.Header = header;
        var rest = body[BmpWire.PerPeerHeaderLength..];
        if (rest.Length < 20)
        {
            message.Error = "Peer Up without local address and ports";
            return message;
        }
        message.LocalAddress = header.IsIpv6
            ? Address.V6(BinaryPrimitives.ReadUInt128BigEndian(rest))
            : Address.V4(BinaryPrimitives.ReadUInt32BigEndian(rest[12..]));
        message.LocalPort = BinaryPrimitives.ReadUInt16BigEndian(rest[16..]);
        message.RemotePort = BinaryPrimitives.ReadUInt16BigEndian(rest[18..]);
        rest = rest[20..];
        for (int i = 0; i < 2; i++)
        {
            // The OPEN's own length locates the next part; a header that cannot be read loses the rest of the message.
            var check = BgpMessage.CheckHeader(rest, extended: true, out int length, out var type);
            if (check != BgpError.None || type != BgpMessageType.Open)
            {
                message.Error = $"Peer Up {(i == 0 ? "sent" : "received")} OPEN: {BgpErrorText.Name(check == BgpError.None ? BgpError.BadType : check)}";
                return message;
            }
            var open = BgpOpen.Decode(rest[..length]);
            if (i == 0) message.SentOpen = open;
            else message.ReceivedOpen = open;
            rest = rest[length..];
        }
        var tlvs = new TlvReader(rest);
        while (tlvs.MoveNext())
        {
            switch (tlvs.Type)
            {
                case 0:
                    message.Strings.Add(Text(tlvs.Value));
                    break;
                case 3:
                    message.TableName = Text(tlvs.Value);
                    break;
                default:
                    message.Unknown.Add(new UnknownTlv(tlvs.Type, tlvs.Value.ToArray()));
                    break;
            }
        }
        if (tlvs.Malformed) message.Error = "a Peer Up information TLV runs past the end of the message";
        return message;
    }

    public static PeerDownMessage DecodePeerDown(ReadOnlySpan<byte> body)
    {
        var message = new PeerDownMessage();
        if (!PerPeerHeader.TryRead(body, out var header) || body.Length < BmpWire.PerPeerHeaderLength + 1)
        {
            message.Error = "Peer Down shorter than its per-peer header and reason";
            return message;
        }
        message.Header = header;
        message.Reason = body[BmpWire.PerPeerHeaderLength];
        var data = body[(BmpWire.PerPeerHeaderLength + 1)..];
        switch (message.Reason)
        {
            case 1 or 3:
                if (BgpNotification.TryRead(data, out var notification)) message.Notification = notification;
                else message.Error = "Peer Down: the NOTIFICATION it carries is malformed";
                break;
            case 2:
                if (data.Length == 2) message.FsmEvent = BinaryPrimitives.ReadUInt16BigEndian(data);
                else message.Error = "Peer Down reason 2 needs a 2-byte FSM event code";
                break;
            case 6:
                var tlvs = new TlvReader(data);
                while (tlvs.MoveNext()) message.Unknown.Add(new UnknownTlv(tlvs.Type, tlvs.Value.ToArray()));
                if (tlvs.Malformed) message.Error = "a Peer Down TLV runs past the end of the message";
                break;
            case 4 or 5:
                break;
            default:
                message.UnknownReason = true;
                break;
        }
        return message;
    }

    public static StatisticsMessage DecodeStatistics(ReadOnlySpan<byte> body)
    {
        var message = new StatisticsMessage();
        if (!PerPeerHeader.TryRead(body, out var header) || body.Length < BmpWire.PerPeerHeaderLength + 4)
        {
            message.Error = "Statistics Report shorter than its per-peer header and count";
            return message;
        }
        message.Header = header;
        message.DeclaredCount = BinaryPrimitives.ReadUInt32BigEndian(body[BmpWire.PerPeerHeaderLength..]);
        var tlvs = new TlvReader(body[(BmpWire.PerPeerHeaderLength + 4)..]);
        while (tlvs.MoveNext())
        {
            var value = tlvs.Value;
            int shape = StatisticType.Shape(tlvs.Type);
            if (shape == 4 && value.Length == 4) message.Counters.Add(new Statistic(tlvs.Type, BinaryPrimitives.ReadUInt32BigEndian(value), 0, 0));
            else if (shape == 8 && value.Length == 8) message.Counters.Add(new Statistic(tlvs.Type, BinaryPrimitives.ReadUInt64BigEndian(value), 0, 0));
            else if (shape == 11 && value.Length == 11)
                message.Counters.Add(new Statistic(tlvs.Type, BinaryPrimitives.ReadUInt64BigEndian(value[3..]), BinaryPrimitives.ReadUInt16BigEndian(value), value[2]));
            else
            {
                // Vendor (e.g. FRR's private 65531) or a known type of unexpected size: kept raw, counted.
                message.Unknown.Add(new UnknownTlv(tlvs.Type, value.ToArray()));
                if (shape != 0) message.Error ??= $"statistic type {tlvs.Type} has {value.Length} bytes";
            }
        }
        if (tlvs.Malformed) message.Error = "a statistics TLV runs past the end of the message";
        else if (message.Counters.Count + message.Unknown.Count != message.DeclaredCount)
            message.Error ??= $"Statistics Report declares {message.DeclaredCount} counters and carries {message.Counters.Count + message.Unknown.Count}";
        return message;
    }

    public static MirroringMessage DecodeRouteMirroring(ReadOnlySpan<byte> body)
    {
        var message = new MirroringMessage();
        if (!PerPeerHeader.TryRead(body, out var header))
        {
            message.Error = "Route Mirroring shorter than its per-peer header";
            return message;
        }
        message.Header = header;
        var tlvs = new TlvReader(body[BmpWire.PerPeerHeaderLength..]);
        while (tlvs.MoveNext())
        {
            switch (tlvs.Type)
            {
                case 0:
                    var check = BgpMessage.CheckHeader(tlvs.Value, extended: true, out int length, out var type);
                    if (check == BgpError.None && length != tlvs.Value.Length) check = BgpError.BadLength;
                    message.Messages.Add((check, type));
                    break;
                case 1 when tlvs.Value.Length == 2:
                    message.InformationCodes.Add(BinaryPrimitives.ReadUInt16BigEndian(tlvs.Value));
                    break;
                default:
                    message.Unknown.Add(new UnknownTlv(tlvs.Type, tlvs.Value.ToArray()));
                    break;
            }
        }
        if (tlvs.Malformed) message.Error = "a Route Mirroring TLV runs past the end of the message";
        return message;
    }

    /// <summary>TLV text is UTF-8 (RFC 7854 §4.4); invalid bytes become U+FFFD, control characters '?'.</summary>
    private static string Text(ReadOnlySpan<byte> value)
    {
        var text = Encoding.UTF8.GetString(value[..Math.Min(value.Length, 1024)]);
        return string.Create(text.Length, text, (span, source) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = char.IsControl(source[i]) ? '?' : source[i];
        });
    }
}

/// <summary>A TLV the station does not interpret: kept as is.</summary>
public sealed record UnknownTlv(ushort Type, byte[] Value);

/// <summary>Initiation (RFC 7854 §4.3) or Termination (§4.5) information.</summary>
public sealed class InformationMessage
{
    public string? SysName { get; set; }

    public string? SysDescr { get; set; }

    public List<string> Strings { get; } = [];

    /// <summary>Termination reason (0 admin close, 1 unspecified, 2 out of resources, 3 redundant connection, 4 permanently closed).</summary>
    public ushort? Reason { get; set; }

    public List<UnknownTlv> Unknown { get; } = [];

    public string? Error { get; set; }
}

public sealed class PeerUpMessage
{
    public PerPeerHeader Header { get; set; }

    public Address LocalAddress { get; set; }

    public ushort LocalPort { get; set; }

    public ushort RemotePort { get; set; }

    /// <summary>The OPEN the monitored router sent to the peer.</summary>
    public BgpOpen? SentOpen { get; set; }

    /// <summary>The OPEN the monitored router received from the peer.</summary>
    public BgpOpen? ReceivedOpen { get; set; }

    public List<string> Strings { get; } = [];

    /// <summary>RFC 9069 VRF/table name TLV (type 3).</summary>
    public string? TableName { get; set; }

    public List<UnknownTlv> Unknown { get; } = [];

    public string? Error { get; set; }
}

public sealed class PeerDownMessage
{
    public PerPeerHeader Header { get; set; }

    /// <summary>1 local NOTIFICATION, 2 local no NOTIFICATION (FSM event), 3 remote NOTIFICATION, 4 remote no data, 5 de-configured, 6 Loc-RIB TLVs (RFC 9069).</summary>
    public byte Reason { get; set; }

    public BgpNotification? Notification { get; set; }

    public ushort? FsmEvent { get; set; }

    public bool UnknownReason { get; set; }

    public List<UnknownTlv> Unknown { get; } = [];

    public string? Error { get; set; }

    public string ReasonText => Reason switch
    {
        1 => "local-notification" + (Notification is { } n ? " " + n.Text : string.Empty),
        2 => "local-no-notification" + (FsmEvent is { } e ? " fsm-event " + e : string.Empty),
        3 => "remote-notification" + (Notification is { } n ? " " + n.Text : string.Empty),
        4 => "remote-no-data",
        5 => "peer-deconfigured",
        6 => "local-system-closed",
        _ => "reason-" + Reason,
    };
}

/// <summary>One statistic: a 32-bit counter or 64-bit gauge, per AFI/SAFI for types 9, 10, 16, 17.</summary>
public readonly record struct Statistic(ushort Type, ulong Value, ushort Afi, byte Safi);

public sealed class StatisticsMessage
{
    public PerPeerHeader Header { get; set; }

    public uint DeclaredCount { get; set; }

    public List<Statistic> Counters { get; } = [];

    /// <summary>Vendor or unknown statistic types (e.g. FRR's 65531), kept raw.</summary>
    public List<UnknownTlv> Unknown { get; } = [];

    public string? Error { get; set; }
}

public sealed class MirroringMessage
{
    public PerPeerHeader Header { get; set; }

    /// <summary>Each mirrored BGP PDU's header check and type.</summary>
    public List<(BgpError Check, BgpMessageType Type)> Messages { get; } = [];

    /// <summary>Information TLV codes: 0 errored PDU, 1 messages lost.</summary>
    public List<ushort> InformationCodes { get; } = [];

    public List<UnknownTlv> Unknown { get; } = [];

    public string? Error { get; set; }
}

/// <summary>Statistics types (RFC 7854 §4.8, RFC 8671 for Adj-RIB-Out).</summary>
public static class StatisticType
{
    public const ushort RejectedPrefixes = 0;
    public const ushort DuplicatePrefixAdvertisements = 1;
    public const ushort DuplicateWithdraws = 2;
    public const ushort ClusterListLoops = 3;
    public const ushort AsPathLoops = 4;
    public const ushort OriginatorIdLoops = 5;
    public const ushort ConfederationLoops = 6;
    public const ushort AdjRibInRoutes = 7;
    public const ushort LocRibRoutes = 8;
    public const ushort AdjRibInRoutesPerFamily = 9;
    public const ushort LocRibRoutesPerFamily = 10;
    public const ushort UpdatesTreatedAsWithdraw = 11;
    public const ushort PrefixesTreatedAsWithdraw = 12;
    public const ushort DuplicateUpdates = 13;
    public const ushort AdjRibOutPreRoutes = 14;
    public const ushort AdjRibOutPostRoutes = 15;
    public const ushort AdjRibOutPreRoutesPerFamily = 16;
    public const ushort AdjRibOutPostRoutesPerFamily = 17;

    /// <summary>Value size of a known type: 4 (32-bit counter), 8 (64-bit gauge), 11 (AFI, SAFI, gauge); 0 unknown.</summary>
    public static int Shape(ushort type) => type switch
    {
        <= 6 or 11 or 12 or 13 => 4,
        7 or 8 or 14 or 15 => 8,
        9 or 10 or 16 or 17 => 11,
        _ => 0,
    };

    public static string Name(ushort type) => type switch
    {
        0 => "rejected-prefixes",
        1 => "duplicate-prefix-advertisements",
        2 => "duplicate-withdraws",
        3 => "cluster-list-loops",
        4 => "as-path-loops",
        5 => "originator-id-loops",
        6 => "confederation-loops",
        7 => "adj-rib-in-routes",
        8 => "loc-rib-routes",
        9 => "adj-rib-in-routes-per-family",
        10 => "loc-rib-routes-per-family",
        11 => "updates-treated-as-withdraw",
        12 => "prefixes-treated-as-withdraw",
        13 => "duplicate-updates",
        14 => "adj-rib-out-pre-routes",
        15 => "adj-rib-out-post-routes",
        16 => "adj-rib-out-pre-routes-per-family",
        17 => "adj-rib-out-post-routes-per-family",
        _ => "type-" + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
