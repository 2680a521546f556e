using System.Buffers.Binary;

namespace PolicyKit.Bmp.Wire;

public enum BgpMessageType : byte
{
    Open = 1,
    Update = 2,
    Notification = 3,
    Keepalive = 4,
    RouteRefresh = 5,
}

/// <summary>The BGP message header (RFC 4271 §4.1) and its checks (§6.1).</summary>
public static class BgpMessage
{
    public const int HeaderLength = 19;

    public const int MaxLength = 4096;

    /// <summary>With the extended message capability (RFC 8654) on both sides.</summary>
    public const int MaxExtendedLength = 65535;

    public const int OpenMinLength = 29;

    public const int UpdateMinLength = 23;

    public const int NotificationMinLength = 21;

    /// <summary>
    /// Checks the header of the BGP message at the start of <paramref name="data"/>: marker all
    /// ones, length 19..4096 (65535 when <paramref name="extended"/>) and within the data, a known
    /// type, and the type's minimum (OPEN 29, UPDATE 23, NOTIFICATION 21) or exact (KEEPALIVE 19,
    /// ROUTE-REFRESH 23) length. On success <paramref name="length"/> is the message length.
    /// </summary>
    public static BgpError CheckHeader(ReadOnlySpan<byte> data, bool extended, out int length, out BgpMessageType type)
    {
        length = 0;
        type = 0;
        if (data.Length < HeaderLength) return BgpError.Truncated;
        // Marker: 16 bytes of 0xFF, compared as two 64-bit words.
        if (BinaryPrimitives.ReadUInt64LittleEndian(data) != ulong.MaxValue || BinaryPrimitives.ReadUInt64LittleEndian(data[8..]) != ulong.MaxValue)
            return BgpError.MarkerNotAllOnes;
        int declared = BinaryPrimitives.ReadUInt16BigEndian(data[16..]);
        if (declared < HeaderLength || declared > (extended ? MaxExtendedLength : MaxLength)) return BgpError.BadLength;
        if (declared > data.Length) return BgpError.Truncated;
        byte code = data[18];
        type = (BgpMessageType)code;
        length = declared;
        return type switch
        {
            BgpMessageType.Open => declared < OpenMinLength ? BgpError.BadLength : BgpError.None,
            BgpMessageType.Update => declared < UpdateMinLength ? BgpError.BadLength : BgpError.None,
            BgpMessageType.Notification => declared < NotificationMinLength ? BgpError.NotificationTooShort : BgpError.None,
            BgpMessageType.Keepalive => declared != HeaderLength ? BgpError.KeepaliveBadLength : BgpError.None,
            BgpMessageType.RouteRefresh => declared != 23 ? BgpError.RouteRefreshBadLength : BgpError.None,
            _ => BgpError.BadType,
        };
    }
}

/// <summary>A BGP NOTIFICATION (RFC 4271 §4.5), as a Peer Down carries it.</summary>
public readonly record struct BgpNotification(byte Code, byte Subcode, int DataLength)
{
    public static bool TryRead(ReadOnlySpan<byte> message, out BgpNotification notification)
    {
        notification = default;
        if (BgpMessage.CheckHeader(message, extended: true, out int length, out var type) != BgpError.None || type != BgpMessageType.Notification) return false;
        notification = new BgpNotification(message[19], message[20], length - BgpMessage.NotificationMinLength);
        return true;
    }

    /// <summary>"cease/administrative-shutdown"-style names for the common codes (RFC 4271 §4.5, RFC 4486).</summary>
    public string Text => Code switch
    {
        1 => "message-header-error/" + Subcode,
        2 => "open-message-error/" + Subcode,
        3 => "update-message-error/" + Subcode,
        4 => "hold-timer-expired",
        5 => "fsm-error/" + Subcode,
        6 => "cease/" + Subcode switch
        {
            1 => "maximum-prefixes-reached",
            2 => "administrative-shutdown",
            3 => "peer-deconfigured",
            4 => "administrative-reset",
            5 => "connection-rejected",
            6 => "other-configuration-change",
            7 => "connection-collision",
            8 => "out-of-resources",
            9 => "hard-reset",
            10 => "bfd-down",
            _ => Subcode.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        _ => $"{Code}/{Subcode}",
    };
}
