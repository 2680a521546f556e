using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Format;

/// <summary>
/// Reads a table file (docs/table-format.md). Nothing in the input is trusted: every length and
/// count is checked against the bytes that remain before it is used, and every refusal is a
/// <see cref="TableFormatException"/> with one clear sentence — no other exception escapes for
/// any input. Checks run in this order: magic, major version, flags, length, checksum,
/// signature, sections, structure (<see cref="TableValidator"/>).
/// </summary>
public static class TableReader
{
    /// <summary>Reads the table; with a <paramref name="verifier"/>, a signature by one of its keys is required.</summary>
    public static AdmissionTable Read(ReadOnlySpan<byte> bytes, TableVerifier? verifier = null) => Load(bytes, verifier).Table;

    /// <summary>Reads the table and what its file says about itself (version, sections, signature).</summary>
    public static LoadedTable Load(ReadOnlySpan<byte> bytes, TableVerifier? verifier = null)
    {
        var frame = ReadFrame(bytes);
        var signature = CheckSignature(bytes, frame, verifier);
        var (table, sections) = ReadBody(bytes, frame);
        if (TableValidator.Validate(table) is { } error) throw new TableFormatException(TableError.Malformed, $"invalid table: {error}");
        var info = new TableFileInfo(frame.Major, frame.Minor, frame.Flags, bytes.Length,
            Convert.ToHexStringLower(bytes.Slice(frame.ChecksumOffset, TableFormat.ChecksumLength)), sections, signature);
        return new LoadedTable(table, info);
    }

    /// <summary>The fixed framing of a table: versions, flags, where the body, checksum and trailer are.</summary>
    internal readonly record struct Frame(ushort Major, ushort Minor, uint Flags, int BodyLength)
    {
        public bool Signed => (Flags & TableFormat.FlagSigned) != 0;

        public int BodyEnd => TableFormat.HeaderLength + BodyLength;

        public int ChecksumOffset => BodyEnd;

        public int TrailerOffset => BodyEnd + TableFormat.ChecksumLength;

        public long TotalLength => (long)TrailerOffset + (Signed ? TableFormat.SignatureTrailerLength : 0);
    }

    /// <summary>Magic, version, flags, length and checksum: everything before the content is looked at.</summary>
    internal static Frame ReadFrame(ReadOnlySpan<byte> bytes)
    {
        var magic = TableFormat.Magic;
        int prefix = Math.Min(bytes.Length, TableFormat.MagicLength);
        if (bytes.Length == 0) throw new TableFormatException(TableError.Truncated, "the file is empty: not a PolicyKit table");
        if (!bytes[..prefix].SequenceEqual(magic[..prefix])) throw new TableFormatException(TableError.BadMagic, "not a PolicyKit table (bad magic)");

        if (bytes.Length >= TableFormat.MajorOffset + 2)
        {
            ushort major = BinaryPrimitives.ReadUInt16LittleEndian(bytes[TableFormat.MajorOffset..]);
            string minor = bytes.Length >= TableFormat.MinorOffset + 2
                ? BinaryPrimitives.ReadUInt16LittleEndian(bytes[TableFormat.MinorOffset..]).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : "x";
            if (major > TableFormat.MajorVersion)
                throw new TableFormatException(TableError.UnsupportedVersion,
                    $"table format {major}.{minor} is newer than this agent understands ({TableFormat.MajorVersion}.x); upgrade mpol-agent");
            if (major < TableFormat.MajorVersion)
                throw new TableFormatException(TableError.UnsupportedVersion,
                    $"table format {major}.{minor} is older than this agent understands ({TableFormat.MajorVersion}.x); recompile the policy with a current mpolc");
        }
        if (bytes.Length < TableFormat.HeaderLength)
            throw new TableFormatException(TableError.Truncated, $"truncated at byte {bytes.Length} in the header (a table has at least {TableFormat.HeaderLength + TableFormat.ChecksumLength} bytes)");

        var frame = new Frame(
            BinaryPrimitives.ReadUInt16LittleEndian(bytes[TableFormat.MajorOffset..]),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes[TableFormat.MinorOffset..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[TableFormat.FlagsOffset..]),
            0);
        uint unknown = frame.Flags & TableFormat.MustUnderstandFlags & ~TableFormat.KnownFlags;
        if (unknown != 0)
            throw new TableFormatException(TableError.UnsupportedFeature,
                $"the table uses features this agent does not understand (flags 0x{unknown:x4} of format {frame.Major}.{frame.Minor}); upgrade mpol-agent");

        uint bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes[TableFormat.BodyLengthOffset..]);
        if (bodyLength > int.MaxValue - TableFormat.HeaderLength - TableFormat.ChecksumLength - TableFormat.SignatureTrailerLength)
            throw new TableFormatException(TableError.Truncated, $"truncated at byte {bytes.Length} in section list: the header announces a body of {bodyLength} bytes");
        frame = frame with { BodyLength = (int)bodyLength };

        if (bytes.Length < frame.TotalLength)
            throw new TableFormatException(TableError.Truncated,
                $"truncated at byte {bytes.Length} in {WhereTruncated(bytes, frame)} (the table is {frame.TotalLength} bytes long)");
        if (bytes.Length > frame.TotalLength)
            throw new TableFormatException(TableError.TrailingBytes,
                $"{bytes.Length - frame.TotalLength} unexpected bytes after the end of the table at byte {frame.TotalLength}: the file is corrupt");

        Span<byte> checksum = stackalloc byte[TableFormat.ChecksumLength];
        SHA256.HashData(bytes[..frame.ChecksumOffset], checksum);
        if (!checksum.SequenceEqual(bytes.Slice(frame.ChecksumOffset, TableFormat.ChecksumLength)))
            throw new TableFormatException(TableError.ChecksumMismatch, "checksum mismatch: the file is corrupt");
        return frame;
    }

    /// <summary>For the truncation message: the part of the table the file ends in (best effort: the bytes are not verified yet).</summary>
    private static string WhereTruncated(ReadOnlySpan<byte> bytes, Frame frame)
    {
        int end = bytes.Length;
        if (end < frame.BodyEnd)
        {
            int position = TableFormat.HeaderLength;
            while (position < end)
            {
                if (!TryVarint(bytes, end, ref position, out ulong id) || !TryVarint(bytes, end, ref position, out ulong length))
                    return "section list";
                string name = id <= int.MaxValue ? "section " + TableFormat.SectionName((int)id) : "section list";
                if (length > (ulong)(end - position)) return name;
                position += (int)length;
            }
            return "section list";
        }
        return end < frame.TrailerOffset ? "the checksum" : "the signature";
    }

    private static bool TryVarint(ReadOnlySpan<byte> bytes, int end, ref int position, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && position < end; shift += 7)
        {
            byte b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }

    private static TableSignatureInfo? CheckSignature(ReadOnlySpan<byte> bytes, Frame frame, TableVerifier? verifier)
    {
        if (!frame.Signed)
        {
            if (verifier is not null) throw new TableFormatException(TableError.Signature, "unsigned table but signatures are required");
            return null;
        }
        var trailer = bytes.Slice(frame.TrailerOffset, TableFormat.SignatureTrailerLength);
        byte algorithm = trailer[0];
        var keyId = trailer.Slice(1, TableFormat.KeyIdLength);
        string keyIdText = Convert.ToHexStringLower(keyId);
        if (verifier is null) return new TableSignatureInfo(algorithm, keyIdText, Verified: false);

        if (algorithm != TableFormat.SignatureEcdsaP256Sha256)
            throw new TableFormatException(TableError.Signature, $"signature does not verify with any trusted key: signature algorithm {algorithm} is not supported (1 = ECDSA P-256 SHA-256)");
        var signature = trailer[(1 + TableFormat.KeyIdLength)..];
        var result = verifier.Verify(keyId, bytes[..frame.TrailerOffset], signature);
        return result switch
        {
            TableVerifier.Outcome.Verified => new TableSignatureInfo(algorithm, keyIdText, Verified: true),
            TableVerifier.Outcome.UnknownKey => throw new TableFormatException(TableError.Signature,
                $"signature does not verify with any trusted key: signed with key {keyIdText}, which is not among the {verifier.KeyIds.Count} trusted"),
            _ => throw new TableFormatException(TableError.Signature,
                $"signature does not verify with any trusted key: the signature by key {keyIdText} is invalid (the table was changed after signing)"),
        };
    }

    private static (AdmissionTable Table, ImmutableArray<TableSectionInfo> Sections) ReadBody(ReadOnlySpan<byte> bytes, Frame frame)
    {
        var list = new TableDecoder(bytes[TableFormat.HeaderLength..frame.BodyEnd], TableFormat.HeaderLength, "section list");
        var sections = ImmutableArray.CreateBuilder<TableSectionInfo>();
        var parts = new Parts(frame.Minor);
        int last = 0;
        while (list.Remaining > 0)
        {
            int start = list.Offset;
            ulong rawId = list.ReadUVarint();
            if (rawId == 0 || rawId > int.MaxValue) throw list.Fail(start, $"section id {rawId} is not valid");
            int id = (int)rawId;
            if (id == last) throw list.Fail(start, $"section {TableFormat.SectionName(id)} appears twice");
            if (id < last) throw list.Fail(start, $"section {TableFormat.SectionName(id)} comes after section {TableFormat.SectionName(last)}, out of order");
            last = id;
            ulong rawLength = list.ReadUVarint();
            if (rawLength > (ulong)list.Remaining)
                throw list.Fail(start, $"section {TableFormat.SectionName(id)} claims {rawLength} bytes, but only {list.Remaining} are left in the body");
            int offset = list.Offset;
            var payload = list.ReadBytes((int)rawLength);
            bool known = id <= SectionId.LastKnown;
            sections.Add(new TableSectionInfo(id, TableFormat.SectionName(id), offset, payload.Length, Skipped: !known));
            if (!known) continue;

            var decoder = new TableDecoder(payload, offset, "section " + TableFormat.SectionName(id));
            parts.Read(id, ref decoder);
            // A newer minor may append fields to a section; an equal or older one may not.
            if (decoder.Remaining > 0 && frame.Minor <= TableFormat.MinorVersion)
                throw decoder.Fail(decoder.Offset, $"{decoder.Remaining} unexpected bytes after the section's last field");
        }
        for (int id = SectionId.Header; id <= SectionId.LastKnown; id++)
        {
            if (TableFormat.IsRequired(id) && !parts.Has(id))
                throw new TableFormatException(TableError.Malformed, $"malformed table: section {TableFormat.SectionName(id)} is missing");
        }
        return (parts.Build(), sections.ToImmutable());
    }

    /// <summary>The sections read so far.</summary>
    private sealed class Parts(ushort minor)
    {
        private readonly bool[] _seen = new bool[SectionId.LastKnown + 1];
        private TableHeader? _header;
        private ImmutableArray<string> _locations = [];
        private ImmutableArray<TableFilter> _filters = [];
        private ImmutableArray<PrefixFilter> _prefixFilters = [];
        private ImmutableArray<CostClass> _classes = [];
        private RouterEntry? _router;
        private ImmutableArray<InterfaceEntry> _interfaces = [];
        private ImmutableArray<MsdpPeerEntry> _msdpPeers = [];
        private ImmutableArray<BgpPeerEntry> _bgpPeers = [];
        private DampingEntry? _damping;
        private TelemetryEntry? _telemetry;
        private GroupLimitEntry? _igmpDefault;
        private GroupLimitEntry? _mldDefault;
        private int _msdpRedistribute = -1;
        private int _deviceAudit = -1;
        private List<(int Interface, int Location, int Offset)> _interfaceAudits = [];

        public bool Has(int id) => _seen[id];

        public AdmissionTable Build() => new(_header!, _locations, _filters, _prefixFilters, _classes,
            _router! with { IgmpDefault = _igmpDefault, MldDefault = _mldDefault, MsdpRedistributeFilter = _msdpRedistribute, AuditLocation = _deviceAudit },
            WithAudits(_interfaces), _msdpPeers, _bgpPeers, _damping, _telemetry);

        /// <summary>The interfaces with the audit section's marks (the section comes after the interfaces, so it is applied at the end).</summary>
        private ImmutableArray<InterfaceEntry> WithAudits(ImmutableArray<InterfaceEntry> interfaces)
        {
            if (_interfaceAudits.Count == 0) return interfaces;
            var items = interfaces.ToBuilder();
            foreach (var (index, location, offset) in _interfaceAudits)
            {
                if ((uint)index >= (uint)items.Count)
                    throw new TableFormatException(TableError.Malformed, $"malformed table at byte {offset} in section audit: interface {index} does not exist ({items.Count} interfaces)");
                if (location < 0)
                    throw new TableFormatException(TableError.Malformed, $"malformed table at byte {offset} in section audit: interface {index} is listed without a location");
                if (items[index].InAudit)
                    throw new TableFormatException(TableError.Malformed, $"malformed table at byte {offset} in section audit: interface {index} is listed twice");
                items[index] = items[index] with { AuditLocation = location };
            }
            return items.MoveToImmutable();
        }

        public void Read(int id, ref TableDecoder d)
        {
            _seen[id] = true;
            switch (id)
            {
                case SectionId.Header:
                    _header = new TableHeader(d.ReadString(), d.ReadString(), d.ReadString(), d.ReadString(),
                        minor >= TableFormat.SerialSinceMinor ? d.ReadInt64() : 0);
                    break;
                case SectionId.Locations:
                {
                    int count = d.ReadCount();
                    var items = ImmutableArray.CreateBuilder<string>(count);
                    for (int i = 0; i < count; i++) items.Add(d.ReadString());
                    _locations = items.MoveToImmutable();
                    break;
                }
                case SectionId.Filters:
                {
                    int count = d.ReadCount(3);
                    var items = ImmutableArray.CreateBuilder<TableFilter>(count);
                    for (int i = 0; i < count; i++) items.Add(ReadFilter(ref d));
                    _filters = items.MoveToImmutable();
                    break;
                }
                case SectionId.PrefixFilters:
                {
                    int count = d.ReadCount(3);
                    var items = ImmutableArray.CreateBuilder<PrefixFilter>(count);
                    for (int i = 0; i < count; i++) items.Add(ReadPrefixFilter(ref d));
                    _prefixFilters = items.MoveToImmutable();
                    break;
                }
                case SectionId.Classes:
                {
                    int count = d.ReadCount(5);
                    var items = ImmutableArray.CreateBuilder<CostClass>(count);
                    for (int i = 0; i < count; i++)
                        items.Add(new CostClass(d.ReadString(), ReadRanges(ref d), ReadRanges(ref d), d.ReadInt64(), d.ReadInt32()));
                    _classes = items.MoveToImmutable();
                    break;
                }
                case SectionId.Router:
                    _router = new RouterEntry(
                        d.ReadInt32(), d.ReadInt32(), d.ReadInt32(),
                        ReadGroupLimit(ref d), ReadGroupLimit(ref d),
                        d.ReadInt32(),
                        ReadRanges(ref d, required: true)!,
                        d.ReadInt32(), d.ReadInt32(), d.ReadInt32());
                    break;
                case SectionId.Interfaces:
                {
                    int count = d.ReadCount(6);
                    var items = ImmutableArray.CreateBuilder<InterfaceEntry>(count);
                    for (int i = 0; i < count; i++) items.Add(ReadInterface(ref d));
                    _interfaces = items.MoveToImmutable();
                    break;
                }
                case SectionId.MsdpPeers:
                {
                    int count = d.ReadCount(10);
                    var items = ImmutableArray.CreateBuilder<MsdpPeerEntry>(count);
                    for (int i = 0; i < count; i++)
                    {
                        var (family, address) = d.ReadAddress();
                        items.Add(new MsdpPeerEntry(family, address, d.ReadInt64(), d.ReadInt32(), d.ReadInt32(), d.ReadInt32(), d.ReadInt32()));
                    }
                    _msdpPeers = items.MoveToImmutable();
                    break;
                }
                case SectionId.BgpPeers:
                {
                    int count = d.ReadCount(12);
                    var items = ImmutableArray.CreateBuilder<BgpPeerEntry>(count);
                    for (int i = 0; i < count; i++)
                    {
                        var (family, address) = d.ReadAddress();
                        items.Add(new BgpPeerEntry(family, address, d.ReadInt64(), d.ReadInt32(), d.ReadInt32(), d.ReadInt32(), d.ReadBool(), d.ReadInt32(), d.ReadInt32()));
                    }
                    _bgpPeers = items.MoveToImmutable();
                    break;
                }
                case SectionId.Damping:
                    _damping = new DampingEntry(d.ReadInt32(), d.ReadInt32(), d.ReadInt32(), d.ReadInt32(), d.ReadInt32());
                    break;
                case SectionId.Telemetry:
                    _telemetry = new TelemetryEntry(d.ReadString(), d.ReadInt32(), d.ReadInt32());
                    break;
                case SectionId.MembershipDefaults:
                    _igmpDefault = ReadGroupLimit(ref d);
                    _mldDefault = ReadGroupLimit(ref d);
                    break;
                case SectionId.MsdpOrigination:
                    _msdpRedistribute = d.ReadInt32();
                    break;
                case SectionId.Audit:
                {
                    _deviceAudit = d.ReadInt32();
                    int count = d.ReadCount(2);
                    for (int i = 0; i < count; i++)
                    {
                        int offset = d.Offset;
                        _interfaceAudits.Add((d.ReadInt32(), d.ReadInt32(), offset));
                    }
                    break;
                }
            }
        }

        private static TableFilter ReadFilter(ref TableDecoder d)
        {
            string name = d.ReadString();
            int location = d.ReadInt32();
            int count = d.ReadCount(5);
            var rules = ImmutableArray.CreateBuilder<TableRule>(count);
            for (int i = 0; i < count; i++)
            {
                var action = d.ReadAction();
                var sources = ReadRanges(ref d);
                var groups = ReadRanges(ref d);
                var from = ReadRanges(ref d);
                rules.Add(new TableRule(action, sources, groups, d.ReadInt32(), from));
            }
            return new TableFilter(name, rules.MoveToImmutable(), location);
        }

        private static PrefixFilter ReadPrefixFilter(ref TableDecoder d)
        {
            string name = d.ReadString();
            int location = d.ReadInt32();
            int count = d.ReadCount(10);
            var rules = ImmutableArray.CreateBuilder<PrefixRule>(count);
            for (int i = 0; i < count; i++)
            {
                var action = d.ReadAction();
                var (family, network) = d.ReadAddress();
                rules.Add(new PrefixRule(action, family, network, d.ReadByte(), d.ReadByte(), d.ReadByte(), d.ReadInt32()));
            }
            return new PrefixFilter(name, rules.MoveToImmutable(), location);
        }

        private static InterfaceEntry ReadInterface(ref TableDecoder d)
        {
            string name = d.ReadString();
            var igmp = ReadMembership(ref d);
            var mld = ReadMembership(ref d);
            int count = d.ReadCount(8);
            var limits = ImmutableArray.CreateBuilder<StateLimitEntry>(count);
            for (int i = 0; i < count; i++)
            {
                var direction = d.ReadDirection();
                bool costBased = d.ReadBool();
                long max = d.ReadInt64();
                var sources = ReadRanges(ref d);
                var groups = ReadRanges(ref d);
                int classCount = d.ReadCount();
                var classes = ImmutableArray.CreateBuilder<int>(classCount);
                for (int c = 0; c < classCount; c++) classes.Add(d.ReadInt32());
                limits.Add(new StateLimitEntry(direction, costBased, max, sources, groups, classes.MoveToImmutable(), d.ReadInt64(), d.ReadInt32()));
            }
            return new InterfaceEntry(name, igmp, mld, limits.MoveToImmutable(), d.ReadInt32(), d.ReadInt32());
        }

        private static MembershipEntry? ReadMembership(ref TableDecoder d)
        {
            if (!d.ReadBool()) return null;
            return new MembershipEntry(d.ReadInt32(), d.ReadInt32(), ReadGroupLimit(ref d), d.ReadBool(), d.ReadInt32());
        }

        private static GroupLimitEntry? ReadGroupLimit(ref TableDecoder d)
        {
            if (!d.ReadBool()) return null;
            return new GroupLimitEntry(d.ReadInt32(), ReadRanges(ref d), d.ReadInt32());
        }

        private static RangeSet? ReadRanges(ref TableDecoder d, bool required = false)
        {
            int start = d.Offset;
            byte tag = d.ReadByte();
            switch (tag)
            {
                case TableFormat.RangeSetAbsent:
                    if (required) throw d.Fail(start, "a required address set is absent");
                    return null;
                case TableFormat.RangeSetAny:
                    return RangeSet.Any;
                case TableFormat.RangeSetList:
                {
                    int v4 = d.ReadCount(8);
                    var ranges = ImmutableArray.CreateBuilder<AddressRange>(v4);
                    for (int i = 0; i < v4; i++) ranges.Add(new AddressRange(AddressFamily.V4, d.ReadV4(), d.ReadV4()));
                    int v6 = d.ReadCount(32);
                    if (v6 == 0) return new RangeSet(ranges.MoveToImmutable());
                    ranges.Capacity = v4 + v6;
                    for (int i = 0; i < v6; i++) ranges.Add(new AddressRange(AddressFamily.V6, d.ReadV6(), d.ReadV6()));
                    return new RangeSet(ranges.MoveToImmutable());
                }
                default:
                    throw d.Fail(start, $"address-set tag {tag} is not defined");
            }
        }
    }
}
