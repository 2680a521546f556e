using System.Buffers.Binary;

namespace PolicyKit.Packets.Membership;

/// <summary>One IGMPv3/MLDv2 group record: a view over its bytes in the packet (fields are read on access).</summary>
public readonly ref struct GroupRecord
{
    private readonly ReadOnlySpan<byte> _record;
    private readonly IpFamily _family;

    internal GroupRecord(ReadOnlySpan<byte> record, IpFamily family, int index, int offset, int maskIndex)
    {
        _record = record;
        _family = family;
        Index = index;
        Offset = offset;
        MaskIndex = maskIndex;
    }

    /// <summary>Position of the record in the report, from 0.</summary>
    public int Index { get; }

    /// <summary>Offset of the record in the IP packet.</summary>
    public int Offset { get; }

    /// <summary>The record's keep-mask slot; source s is at <c>MaskIndex + 1 + s</c>.</summary>
    public int MaskIndex { get; }

    /// <summary>The record type byte as sent (unknown values are kept, and mean nothing: RFC 3376 §4.2.12).</summary>
    public byte RawType => _record[0];

    public GroupRecordType Type => (GroupRecordType)_record[0];

    public bool IsKnownType => GroupRecordTypes.IsKnown(RawType);

    /// <summary>Aux data length in bytes (the field counts 32-bit words).</summary>
    public int AuxDataLength => _record[1] * 4;

    public int SourceCount => BinaryPrimitives.ReadUInt16BigEndian(_record[2..]);

    public PacketAddress Group => PacketAddress.Read(_family, _record[4..]);

    internal int HeaderLength => _family == IpFamily.V4 ? 8 : 20;

    internal int AddressSize => _family == IpFamily.V4 ? 4 : 16;

    public SourceList Sources => new(_record.Slice(HeaderLength, SourceCount * AddressSize), _family, SourceCount);

    /// <summary>Record length in bytes: header, sources, aux data.</summary>
    public int Length => _record.Length;

    /// <summary>The record's bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _record;
}
