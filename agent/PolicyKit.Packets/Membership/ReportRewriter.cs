using System.Buffers.Binary;

namespace PolicyKit.Packets.Membership;

/// <summary>
/// Writes a report without its denied items, for NFQUEUE enforcement: a host's IGMPv3/MLDv2
/// report often packs several groups, and a per-group decision must not drop the allowed ones.
/// Allocation-free; the destination may be the packet's own buffer (same start: the output is
/// never longer than the input and is written front to back, never ahead of what is still read).
/// <para>Keep mask (one bool per slot, see <see cref="MembershipMessage"/>; true = keep):</para>
/// <list type="bullet">
/// <item>a record whose own slot is false is removed whole, whatever its type;</item>
/// <item>a source whose slot is false is removed from an IS_IN, TO_IN, ALLOW or BLOCK record
///   (number of sources updated);</item>
/// <item>an IS_IN, ALLOW or BLOCK record left with no sources by that is removed whole;
///   a TO_IN record left with no sources stays as TO_IN({}) — its own change, Leave(*,G), is
///   kept, and dropping it would leave the router forwarding the group;</item>
/// <item>source slots of IS_EX/TO_EX records are ignored: those sources are exclusions, and
///   removing one would widen what the host receives; an ASM record is denied by its own slot;</item>
/// <item>records of unknown type are kept or removed whole by their own slot;</item>
/// <item>an IGMPv1/v2 report or leave or MLDv1 report or done is kept or dropped by slot 0.</item>
/// </list>
/// The record count, IGMP checksum, IPv4 total length and header checksum (options kept), or
/// the IPv6 payload length and ICMPv6 checksum over the pseudo-header (extension headers kept)
/// are recomputed. Data after the last record (RFC 3376 "additional data") is kept. A report
/// left with no record is <see cref="RewriteOutcome.NothingKept"/>: the caller drops it.
/// </summary>
public static class ReportRewriter
{
    public static RewriteOutcome Rewrite(scoped in MembershipMessage message, ReadOnlySpan<bool> keep,
        Span<byte> destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (keep.Length < message.MaskLength) return RewriteOutcome.MaskTooShort;
        switch (message.Kind)
        {
            case MembershipKind.Report:
            case MembershipKind.Leave:
                return keep[0] ? RewriteOutcome.Unchanged : RewriteOutcome.NothingKept;
            case MembershipKind.RecordReport:
                break;
            default:
                return RewriteOutcome.Unchanged; // queries and other IGMP carry no items
        }
        if (!keep[..message.MaskLength].Contains(false)) return RewriteOutcome.Unchanged;

        var packet = message.Packet;
        if (destination.Length < packet.Length) return RewriteOutcome.DestinationTooSmall;

        var family = message.Family;
        var addressSize = family == IpFamily.V4 ? 4 : 16;
        var recordHeader = 4 + addressSize;
        var messageOffset = message.MessageOffset;

        // Phase 1 (read only): does anything actually go? Only source slots of EXCLUDE records
        // may be false, which removes nothing — then the packet is passed on unchanged.
        var removesAny = false;
        var keptRecords = 0;
        foreach (var r in message.Records)
        {
            var fate = Fate(r, keep, out var keptSources);
            if (fate == RecordFate.Removed) removesAny = true;
            else
            {
                keptRecords++;
                if (keptSources != r.SourceCount) removesAny = true;
            }
        }
        if (!removesAny) return RewriteOutcome.Unchanged;
        if (keptRecords == 0) return RewriteOutcome.NothingKept;

        // Phase 2: write. IP header, options / extension headers and the 8-byte report header are
        // copied (fixed up below); records are written front to back.
        packet[..(messageOffset + 8)].CopyTo(destination);
        var output = messageOffset + 8;
        foreach (var r in message.Records)
        {
            // Everything about the record is read before anything is written: in place, the
            // output may overwrite this record's own header.
            var fate = Fate(r, keep, out var keptSources);
            if (fate == RecordFate.Removed) continue;
            var sourceCount = r.SourceCount;
            var auxLength = r.AuxDataLength;
            var slot = r.MaskIndex + 1;
            var source = packet.Slice(r.Offset, r.Length);
            if (fate == RecordFate.Whole || keptSources == sourceCount)
            {
                source.CopyTo(destination[output..]);
                output += source.Length;
                continue;
            }
            source[..recordHeader].CopyTo(destination[output..]);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(output + 2)..], (ushort)keptSources);
            output += recordHeader;
            for (var s = 0; s < sourceCount; s++)
            {
                if (!keep[slot + s]) continue;
                source.Slice(recordHeader + s * addressSize, addressSize).CopyTo(destination[output..]);
                output += addressSize;
            }
            if (auxLength > 0)
            {
                source[^auxLength..].CopyTo(destination[output..]);
                output += auxLength;
            }
        }
        var additional = packet[message.RecordsEnd..];
        additional.CopyTo(destination[output..]);
        output += additional.Length;

        var outPacket = destination[..output];
        var outMessage = outPacket[messageOffset..];
        BinaryPrimitives.WriteUInt16BigEndian(outMessage[6..], (ushort)keptRecords);
        outMessage[2] = 0;
        outMessage[3] = 0;
        if (family == IpFamily.V4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(outMessage[2..], InternetChecksum.Compute(outMessage));
            BinaryPrimitives.WriteUInt16BigEndian(outPacket[2..], (ushort)output);
            outPacket[10] = 0;
            outPacket[11] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(outPacket[10..], InternetChecksum.Compute(outPacket[..message.IpHeaderLength]));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(outPacket[4..], (ushort)(output - 40));
            var sum = IpHeader.AddV6PseudoHeader(0, outPacket, outMessage.Length, IpHeader.ProtocolIcmpV6);
            BinaryPrimitives.WriteUInt16BigEndian(outMessage[2..], InternetChecksum.Finish(InternetChecksum.Add(sum, outMessage)));
        }
        bytesWritten = output;
        return RewriteOutcome.Rewritten;
    }

    private enum RecordFate : byte { Removed, Whole, Filtered }

    private static RecordFate Fate(GroupRecord r, ReadOnlySpan<bool> keep, out int keptSources)
    {
        keptSources = r.SourceCount;
        if (!keep[r.MaskIndex]) { keptSources = 0; return RecordFate.Removed; }
        switch (r.Type)
        {
            case GroupRecordType.ModeIsInclude:
            case GroupRecordType.ChangeToInclude:
            case GroupRecordType.AllowNewSources:
            case GroupRecordType.BlockOldSources:
                if (r.SourceCount == 0) return RecordFate.Whole;
                keptSources = CountTrue(keep.Slice(r.MaskIndex + 1, r.SourceCount));
                if (keptSources == 0 && GroupRecordTypes.NeedsSources(r.Type)) return RecordFate.Removed;
                return RecordFate.Filtered;
            default:
                return RecordFate.Whole; // EXCLUDE records and unknown types: all or nothing
        }
    }

    private static int CountTrue(ReadOnlySpan<bool> slots)
    {
        var n = 0;
        foreach (var b in slots) if (b) n++;
        return n;
    }
}
