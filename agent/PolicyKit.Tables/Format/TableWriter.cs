using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Format;

/// <summary>
/// Writes an <see cref="AdmissionTable"/> in the binary table format (docs/table-format.md):
/// fixed header, sections in id order, SHA-256 checksum, and — with a signer — the signature
/// trailer. The output depends only on the table: the same table gives the same bytes (an
/// ECDSA signature is randomised, so that holds for unsigned tables).
/// </summary>
public static class TableWriter
{
    /// <summary>The table's bytes; signed when <paramref name="signer"/> is given.</summary>
    /// <exception cref="ArgumentException">The table breaks a structural rule (<see cref="TableValidator"/>): a bug in whoever built it.</exception>
    public static byte[] Write(AdmissionTable table, TableSigner? signer = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (TableValidator.Validate(table) is { } error) throw new ArgumentException($"the admission table is not valid: {error}", nameof(table));
        var unsigned = Assemble(TableFormat.MajorVersion, TableFormat.MinorFor(table), TableFormat.FlagsFor(table), EncodeSections(table));
        return signer is null ? unsigned : signer.Sign(unsigned);
    }

    /// <summary>
    /// An unsigned table file with the serial of its header set: <c>mpolc compile</c> stamps it
    /// after the (deterministic) compile, where it signs, from --serial or the signing time.
    /// </summary>
    public static byte[] WithSerial(ReadOnlySpan<byte> unsignedTable, long serial)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(serial);
        var table = TableReader.Read(unsignedTable);
        return Write(table with { Header = table.Header with { Serial = serial } });
    }

    /// <summary>The sections of the table (format 1.1: the enforcement sections of 1.1 only when it uses them), in id order, without validating it (the tests use it to forge invalid tables).</summary>
    internal static List<(int Id, byte[] Payload)> EncodeSections(AdmissionTable table)
    {
        var sections = new List<(int Id, byte[] Payload)>(SectionId.LastKnown);
        var buffer = new TableEncoder(4096);
        void Section(int id, Action<TableEncoder> write)
        {
            buffer.Clear();
            write(buffer);
            sections.Add((id, buffer.ToArray()));
        }

        Section(SectionId.Header, e => WriteHeader(e, table.Header));
        Section(SectionId.Locations, e => WriteList(e, table.Locations, (e2, s) => e2.WriteString(s)));
        Section(SectionId.Filters, e => WriteList(e, table.Filters, WriteFilter));
        Section(SectionId.PrefixFilters, e => WriteList(e, table.PrefixFilters, WritePrefixFilter));
        Section(SectionId.Classes, e => WriteList(e, table.Classes, WriteClass));
        Section(SectionId.Router, e => WriteRouter(e, table.Router));
        Section(SectionId.Interfaces, e => WriteList(e, table.Interfaces, WriteInterface));
        Section(SectionId.MsdpPeers, e => WriteList(e, table.MsdpPeers, WriteMsdpPeer));
        Section(SectionId.BgpPeers, e => WriteList(e, table.BgpPeers, WriteBgpPeer));
        if (table.Damping is { } damping) Section(SectionId.Damping, e => WriteDamping(e, damping));
        if (table.Telemetry is { } telemetry) Section(SectionId.Telemetry, e => WriteTelemetry(e, telemetry));
        if (table.Router.IgmpDefault is not null || table.Router.MldDefault is not null)
        {
            Section(SectionId.MembershipDefaults, e =>
            {
                WriteGroupLimit(e, table.Router.IgmpDefault);
                WriteGroupLimit(e, table.Router.MldDefault);
            });
        }
        if (table.Router.MsdpRedistributeFilter != -1) Section(SectionId.MsdpOrigination, e => e.WriteVarint(table.Router.MsdpRedistributeFilter));
        if (table.UsesAudit) Section(SectionId.Audit, e => WriteAudit(e, table));
        return sections;
    }

    /// <summary>
    /// Frames sections into a table: header, sections, checksum. Exposed to the tests (through
    /// InternalsVisibleTo) so they can build tables of other versions and with unknown sections.
    /// </summary>
    internal static byte[] Assemble(ushort major, ushort minor, uint flags, IReadOnlyList<(int Id, byte[] Payload)> sections)
    {
        var body = new TableEncoder(sections.Sum(s => s.Payload.Length + 8));
        foreach (var (id, payload) in sections)
        {
            body.WriteUVarint((ulong)id);
            body.WriteUVarint((ulong)payload.Length);
            body.WriteBytes(payload);
        }
        var file = new byte[TableFormat.HeaderLength + body.Length + TableFormat.ChecksumLength];
        TableFormat.Magic.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(TableFormat.MajorOffset), major);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(TableFormat.MinorOffset), minor);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(TableFormat.FlagsOffset), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(TableFormat.BodyLengthOffset), (uint)body.Length);
        body.Written.CopyTo(file.AsSpan(TableFormat.HeaderLength));
        int checksumOffset = TableFormat.HeaderLength + body.Length;
        SHA256.HashData(file.AsSpan(0, checksumOffset), file.AsSpan(checksumOffset));
        return file;
    }

    private static void WriteHeader(TableEncoder e, TableHeader header)
    {
        e.WriteString(header.Device);
        e.WriteString(header.Platform);
        e.WriteString(header.PolicyHash);
        e.WriteString(header.CompilerVersion);
        e.WriteVarint(header.Serial);
    }

    private static void WriteFilter(TableEncoder e, TableFilter filter)
    {
        e.WriteString(filter.Name);
        e.WriteVarint(filter.Location);
        WriteList(e, filter.Rules, static (e2, rule) =>
        {
            e2.WriteByte((byte)rule.Action);
            WriteRanges(e2, rule.Sources);
            WriteRanges(e2, rule.Groups);
            WriteRanges(e2, rule.From);
            e2.WriteVarint(rule.Location);
        });
    }

    private static void WritePrefixFilter(TableEncoder e, PrefixFilter filter)
    {
        e.WriteString(filter.Name);
        e.WriteVarint(filter.Location);
        WriteList(e, filter.Rules, static (e2, rule) =>
        {
            e2.WriteByte((byte)rule.Action);
            e2.WriteAddress(rule.Family, rule.Network);
            e2.WriteByte(rule.Length);
            e2.WriteByte(rule.MinLength);
            e2.WriteByte(rule.MaxLength);
            e2.WriteVarint(rule.Location);
        });
    }

    private static void WriteClass(TableEncoder e, CostClass cls)
    {
        e.WriteString(cls.Name);
        WriteRanges(e, cls.Sources);
        WriteRanges(e, cls.Groups);
        e.WriteVarint(cls.CostBps);
        e.WriteVarint(cls.Location);
    }

    private static void WriteRouter(TableEncoder e, RouterEntry router)
    {
        e.WriteVarint(router.RouteLimit);
        e.WriteVarint(router.RouteWarn);
        e.WriteVarint(router.RouteLimitLocation);
        WriteGroupLimit(e, router.IgmpCap);
        WriteGroupLimit(e, router.MldCap);
        e.WriteVarint(router.GroupRangeFilter);
        WriteRanges(e, router.Ssm);
        e.WriteVarint(router.RegisterRatePerSecond);
        e.WriteVarint(router.RegisterRateLocation);
        e.WriteVarint(router.AcceptRegisterFilter);
    }

    private static void WriteInterface(TableEncoder e, InterfaceEntry iface)
    {
        e.WriteString(iface.Name);
        WriteMembership(e, iface.Igmp);
        WriteMembership(e, iface.Mld);
        WriteList(e, iface.StateLimits, static (e2, limit) =>
        {
            e2.WriteByte((byte)limit.Direction);
            e2.WriteBool(limit.CostBased);
            e2.WriteVarint(limit.Max);
            WriteRanges(e2, limit.Sources);
            WriteRanges(e2, limit.Groups);
            WriteList(e2, limit.Classes, static (e3, index) => e3.WriteVarint(index));
            e2.WriteVarint(limit.DefaultCostBps);
            e2.WriteVarint(limit.Location);
        });
        e.WriteVarint(iface.SourceFilter);
        e.WriteVarint(iface.Location);
    }

    private static void WriteMembership(TableEncoder e, MembershipEntry? entry)
    {
        e.WriteBool(entry is not null);
        if (entry is null) return;
        e.WriteVarint(entry.MinVersion);
        e.WriteVarint(entry.AccessFilter);
        WriteGroupLimit(e, entry.Limit);
        e.WriteBool(entry.DropQueries);
        e.WriteVarint(entry.Location);
    }

    /// <summary>The audit section: the device's audit location (-1 none), then the count of audited interfaces and each one's index and location.</summary>
    private static void WriteAudit(TableEncoder e, AdmissionTable table)
    {
        e.WriteVarint(table.Router.AuditLocation);
        var audited = (table.Interfaces.IsDefault ? [] : table.Interfaces).Select((iface, index) => (iface, index)).Where(x => x.iface.InAudit).ToList();
        e.WriteCount(audited.Count);
        foreach (var (iface, index) in audited)
        {
            e.WriteVarint(index);
            e.WriteVarint(iface.AuditLocation);
        }
    }

    private static void WriteGroupLimit(TableEncoder e, GroupLimitEntry? limit)
    {
        e.WriteBool(limit is not null);
        if (limit is null) return;
        e.WriteVarint(limit.Max);
        WriteRanges(e, limit.Except);
        e.WriteVarint(limit.Location);
    }

    private static void WriteMsdpPeer(TableEncoder e, MsdpPeerEntry peer)
    {
        e.WriteAddress(peer.Family, peer.Address);
        e.WriteVarint(peer.RemoteAs);
        e.WriteVarint(peer.SaFilterIn);
        e.WriteVarint(peer.SaFilterOut);
        e.WriteVarint(peer.SaLimit);
        e.WriteVarint(peer.Location);
    }

    private static void WriteBgpPeer(TableEncoder e, BgpPeerEntry peer)
    {
        e.WriteAddress(peer.Family, peer.Address);
        e.WriteVarint(peer.RemoteAs);
        e.WriteVarint(peer.MaxPrefix);
        e.WriteVarint(peer.WarnCount);
        e.WriteVarint(peer.RestartSeconds);
        e.WriteBool(peer.WarningOnly);
        e.WriteVarint(peer.PrefixFilterIn);
        e.WriteVarint(peer.Location);
    }

    private static void WriteDamping(TableEncoder e, DampingEntry damping)
    {
        e.WriteVarint(damping.HalfLifeSeconds);
        e.WriteVarint(damping.Reuse);
        e.WriteVarint(damping.Suppress);
        e.WriteVarint(damping.MaxSuppressSeconds);
        e.WriteVarint(damping.Location);
    }

    private static void WriteTelemetry(TableEncoder e, TelemetryEntry telemetry)
    {
        e.WriteString(telemetry.Site);
        e.WriteVarint(telemetry.IntervalSeconds);
        e.WriteVarint(telemetry.WarnPercent);
    }

    /// <summary>
    /// A range set: tag 0 absent (null), 1 any, 2 a list — the IPv4 ranges (count, then first and
    /// last as 4 bytes each), then the IPv6 ranges (count, then 16 + 16 bytes).
    /// </summary>
    private static void WriteRanges(TableEncoder e, RangeSet? set)
    {
        if (set is null)
        {
            e.WriteByte(TableFormat.RangeSetAbsent);
            return;
        }
        if (set.IsAny)
        {
            e.WriteByte(TableFormat.RangeSetAny);
            return;
        }
        e.WriteByte(TableFormat.RangeSetList);
        var ranges = set.Ranges.IsDefault ? [] : set.Ranges.AsSpan();
        int v4 = 0;
        while (v4 < ranges.Length && ranges[v4].Family == AddressFamily.V4) v4++;
        e.WriteCount(v4);
        foreach (var range in ranges[..v4])
        {
            e.WriteV4(range.First);
            e.WriteV4(range.Last);
        }
        e.WriteCount(ranges.Length - v4);
        foreach (var range in ranges[v4..])
        {
            e.WriteV6(range.First);
            e.WriteV6(range.Last);
        }
    }

    private static void WriteList<T>(TableEncoder e, ImmutableArray<T> items, Action<TableEncoder, T> write)
    {
        if (items.IsDefault)
        {
            e.WriteCount(0);
            return;
        }
        e.WriteCount(items.Length);
        foreach (var item in items) write(e, item);
    }
}
