using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using PolicyKit.Engine;

namespace PolicyKit.Bmp.Wire;

/// <summary>
/// How to read a peer's UPDATEs: AS number size, ADD-PATH families, extended messages, and
/// whether they come from a Loc-RIB instance (RFC 9069), where a locally originated route may
/// carry no AS_PATH at all (GoBGP 3.10 sends its own routes so): a missing AS_PATH is then an
/// empty path, not RFC 7606's treat-as-withdraw.
/// </summary>
public readonly record struct UpdateContext(bool FourOctetAs, AddPathFamilies AddPath, bool ExtendedMessage, bool LocRib = false)
{
    public static readonly UpdateContext Default = new(true, AddPathFamilies.None, false);

    public bool HasAddPath(RouteFamily family) => ((int)AddPath & (1 << (int)family)) != 0;
}

/// <summary>
/// Decodes one BGP UPDATE (RFC 4271 §4.3, RFC 4760 MP_REACH/MP_UNREACH, RFC 7911 ADD-PATH,
/// RFC 6793 AS4) and applies RFC 7606 error handling. One instance is reused message after
/// message and allocates nothing once its buffers have grown: the results (announced and
/// withdrawn prefixes, the interning key of the path attributes, the errors and the action) are
/// valid until the next <see cref="Decode"/>.
///
/// <para>The attribute key holds every kept attribute except MP_REACH/MP_UNREACH, plus
/// MP_REACH's family and next hop, each as [flags, code, length (2 bytes), value]: equal keys
/// mean equal paths, so routes share one interned copy.</para>
/// </summary>
public sealed class UpdateDecoder
{
    private const int MaxErrors = 4;
    private byte[] _key = new byte[512];
    private readonly BgpError[] _errors = new BgpError[MaxErrors];

    public PrefixList Announced { get; } = new();

    public PrefixList Withdrawn { get; } = new();

    public UpdateAction Action { get; private set; }

    public int ErrorCount { get; private set; }

    public ReadOnlySpan<BgpError> Errors => _errors.AsSpan(0, Math.Min(ErrorCount, MaxErrors));

    public BgpError FirstError => ErrorCount > 0 ? _errors[0] : BgpError.None;

    /// <summary>The BGP message length (header included) of the last decode, 0 when the header was unusable.</summary>
    public int MessageLength { get; private set; }

    /// <summary>Prefixes the update announced that RFC 7606 treat-as-withdraw turned into withdrawals.</summary>
    public int TreatedAsWithdraw { get; private set; }

    /// <summary>Attributes dropped by RFC 7606 attribute discard (or duplicates).</summary>
    public int DiscardedAttributes { get; private set; }

    /// <summary>Optional attributes the decoder does not know: kept in the key, counted.</summary>
    public int UnknownAttributes { get; private set; }

    /// <summary>MP_REACH/MP_UNREACH attributes of families the station does not track (counted, not stored).</summary>
    public int OtherFamilyAttributes { get; private set; }

    /// <summary>An End-of-RIB marker (RFC 4724 §2): an empty UPDATE, or an MP_UNREACH with nothing in it.</summary>
    public bool IsEndOfRib { get; private set; }

    public int Origin { get; private set; }

    public Address NextHop { get; private set; }

    public bool FourOctetAs { get; private set; }

    /// <summary>The interning key of the path attributes (see the class remarks).</summary>
    public ReadOnlySpan<byte> AttributeKey => _key.AsSpan(0, _keyLength);

    private int _keyLength;
    private int _asPathStart = -1, _asPathLength;
    private int _as4PathStart = -1, _as4PathLength;

    public ReadOnlySpan<byte> AsPath => _asPathStart < 0 ? default : _key.AsSpan(_asPathStart, _asPathLength);

    public ReadOnlySpan<byte> As4Path => _as4PathStart < 0 ? default : _key.AsSpan(_as4PathStart, _as4PathLength);

    /// <summary>The AS path of the last update as text (RFC 6793 AS4_PATH merged in for 2-octet sessions).</summary>
    public string AsPathText => Wire.AsPath.Render(AsPath, FourOctetAs, As4Path);

    /// <summary>
    /// Decodes the UPDATE at the start of <paramref name="message"/> (BGP header included). A header
    /// that is not an acceptable UPDATE header is reported as an error with
    /// <see cref="UpdateAction.SessionReset"/>.
    /// </summary>
    public void Decode(ReadOnlySpan<byte> message, in UpdateContext context)
    {
        Reset(context);
        var header = BgpMessage.CheckHeader(message, context.ExtendedMessage, out int length, out var type);
        if (header == BgpError.None && type != BgpMessageType.Update) header = BgpError.BadType;
        if (header != BgpError.None)
        {
            Fail(header, UpdateAction.SessionReset);
            return;
        }
        MessageLength = length;
        var body = message[BgpMessage.HeaderLength..length];

        int withdrawnLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        if (2 + withdrawnLength + 2 > body.Length)
        {
            Fail(BgpError.WithdrawnLengthOverrun, UpdateAction.SessionReset);
            return;
        }
        var withdrawn = body.Slice(2, withdrawnLength);
        int attributesLength = BinaryPrimitives.ReadUInt16BigEndian(body[(2 + withdrawnLength)..]);
        int attributesStart = 4 + withdrawnLength;
        if (attributesStart + attributesLength > body.Length)
        {
            Fail(BgpError.AttributesLengthOverrun, UpdateAction.SessionReset);
            return;
        }
        var attributes = body.Slice(attributesStart, attributesLength);
        var nlri = body[(attributesStart + attributesLength)..];

        if (!Nlri.Read(withdrawn, RouteFamily.Ipv4Unicast, context.HasAddPath(RouteFamily.Ipv4Unicast), Withdrawn) ||
            !Nlri.Read(nlri, RouteFamily.Ipv4Unicast, context.HasAddPath(RouteFamily.Ipv4Unicast), Announced))
        {
            Fail(BgpError.InvalidNlri, UpdateAction.SessionReset);
            Finish();
            return;
        }
        int ipv4Announced = Announced.Count;
        if (withdrawnLength == 0 && attributesLength == 0 && nlri.IsEmpty) IsEndOfRib = true;

        bool mpUnreachOnly = ReadAttributes(attributes, context, out int mpReachPrefixes);

        // RFC 7606 §3(d): a missing well-known mandatory attribute is treat-as-withdraw.
        if (Action < UpdateAction.TreatAsWithdraw && (ipv4Announced > 0 || mpReachPrefixes > 0))
        {
            bool missing = !_seenOrigin || (!_seenAsPath && !context.LocRib) || (ipv4Announced > 0 && !_seenNextHop);
            if (missing) Fail(BgpError.MissingWellKnown, UpdateAction.TreatAsWithdraw);
        }
        if (mpUnreachOnly && withdrawnLength == 0 && nlri.IsEmpty && Withdrawn.Count == 0) IsEndOfRib = true;
        Finish();
    }

    private bool _seenOrigin, _seenAsPath, _seenNextHop;

    private void Reset(in UpdateContext context)
    {
        Announced.Clear();
        Withdrawn.Clear();
        Action = UpdateAction.Apply;
        ErrorCount = 0;
        MessageLength = 0;
        TreatedAsWithdraw = 0;
        DiscardedAttributes = 0;
        UnknownAttributes = 0;
        OtherFamilyAttributes = 0;
        IsEndOfRib = false;
        Origin = -1;
        NextHop = Address.None;
        FourOctetAs = context.FourOctetAs;
        _keyLength = 0;
        _asPathStart = _as4PathStart = -1;
        _asPathLength = _as4PathLength = 0;
        _seenOrigin = _seenAsPath = _seenNextHop = false;
    }

    private void Finish()
    {
        if (Action == UpdateAction.SessionReset)
        {
            Announced.Clear();
            Withdrawn.Clear();
            IsEndOfRib = false;
        }
        else if (Action == UpdateAction.TreatAsWithdraw)
        {
            TreatedAsWithdraw = Announced.Count;
            Withdrawn.TakeAll(Announced);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Fail(BgpError error, UpdateAction action)
    {
        if (ErrorCount < MaxErrors) _errors[ErrorCount] = error;
        ErrorCount++;
        if (action > Action) Action = action;
    }

    /// <summary>Walks the path attributes; returns true when the only attribute is an empty MP_UNREACH (an MP End-of-RIB).</summary>
    private bool ReadAttributes(ReadOnlySpan<byte> attributes, in UpdateContext context, out int mpReachPrefixes)
    {
        mpReachPrefixes = 0;
        Span<ulong> seen = stackalloc ulong[4];
        seen.Clear();
        int count = 0;
        bool emptyUnreach = false;
        while (!attributes.IsEmpty)
        {
            if (attributes.Length < 3)
            {
                Fail(BgpError.AttributeHeaderOverrun, UpdateAction.TreatAsWithdraw);
                break;
            }
            byte flags = attributes[0];
            byte code = attributes[1];
            int headerLength = (flags & PathAttribute.FlagExtendedLength) != 0 ? 4 : 3;
            if (attributes.Length < headerLength)
            {
                Fail(BgpError.AttributeHeaderOverrun, UpdateAction.TreatAsWithdraw);
                break;
            }
            int length = headerLength == 4 ? BinaryPrimitives.ReadUInt16BigEndian(attributes[2..]) : attributes[2];
            if (attributes.Length < headerLength + length)
            {
                // RFC 7606 §4: the attribute runs past the attributes field; the NLRI field is still located by the total length.
                Fail(BgpError.AttributeHeaderOverrun, UpdateAction.TreatAsWithdraw);
                break;
            }
            var value = attributes.Slice(headerLength, length);
            attributes = attributes[(headerLength + length)..];
            count++;

            ref ulong word = ref seen[code >> 6];
            ulong bit = 1UL << (code & 63);
            if ((word & bit) != 0)
            {
                if (code is PathAttribute.MpReach or PathAttribute.MpUnreach) Fail(BgpError.DuplicateMpAttribute, UpdateAction.SessionReset);
                else
                {
                    Fail(BgpError.DuplicateAttribute, UpdateAction.AttributeDiscard);
                    DiscardedAttributes++;
                }
                continue;
            }
            word |= bit;

            int expected = PathAttribute.ExpectedFlags(code);
            bool flagsConflict = expected >= 0 && (flags & (PathAttribute.FlagOptional | PathAttribute.FlagTransitive)) != expected;
            if (expected < 0 && (flags & PathAttribute.FlagOptional) == 0)
            {
                // RFC 4271 §6.3: an unrecognized well-known attribute; RFC 7606 leaves it a session reset.
                Fail(BgpError.UnrecognizedWellKnown, UpdateAction.SessionReset);
                continue;
            }
            switch (code)
            {
                case PathAttribute.Origin:
                    if (flagsConflict || length != 1 || value[0] > 2) { Malformed(flagsConflict, BgpError.MalformedOrigin, UpdateAction.TreatAsWithdraw); continue; }
                    Origin = value[0];
                    _seenOrigin = true;
                    break;
                case PathAttribute.AsPath:
                    if (flagsConflict || !Wire.AsPath.IsValid(value, context.FourOctetAs ? 4 : 2)) { Malformed(flagsConflict, BgpError.MalformedAsPath, UpdateAction.TreatAsWithdraw); continue; }
                    _seenAsPath = true;
                    _asPathStart = _keyLength + 4;
                    _asPathLength = length;
                    break;
                case PathAttribute.NextHop:
                    if (flagsConflict || length != 4) { Malformed(flagsConflict, BgpError.MalformedNextHop, UpdateAction.TreatAsWithdraw); continue; }
                    _seenNextHop = true;
                    NextHop = Address.V4(BinaryPrimitives.ReadUInt32BigEndian(value));
                    break;
                case PathAttribute.Med:
                    if (flagsConflict || length != 4) { Malformed(flagsConflict, BgpError.MalformedMed, UpdateAction.TreatAsWithdraw); continue; }
                    break;
                case PathAttribute.LocalPref:
                    if (flagsConflict || length != 4) { Malformed(flagsConflict, BgpError.MalformedLocalPref, UpdateAction.TreatAsWithdraw); continue; }
                    break;
                case PathAttribute.AtomicAggregate:
                    if (flagsConflict || length != 0) { Malformed(flagsConflict, BgpError.MalformedAtomicAggregate, UpdateAction.AttributeDiscard); continue; }
                    break;
                case PathAttribute.Aggregator:
                    if (flagsConflict || length != (context.FourOctetAs ? 8 : 6)) { Malformed(flagsConflict, BgpError.MalformedAggregator, UpdateAction.AttributeDiscard); continue; }
                    break;
                case PathAttribute.Communities:
                    if (flagsConflict || length == 0 || length % 4 != 0) { Malformed(flagsConflict, BgpError.MalformedCommunities, UpdateAction.TreatAsWithdraw); continue; }
                    break;
                case PathAttribute.OriginatorId:
                    if (flagsConflict || length != 4) { Malformed(flagsConflict, BgpError.MalformedOriginatorId, UpdateAction.TreatAsWithdraw); continue; }
                    break;
                case PathAttribute.ClusterList:
                    if (flagsConflict || length == 0 || length % 4 != 0) { Malformed(flagsConflict, BgpError.MalformedClusterList, UpdateAction.TreatAsWithdraw); continue; }
                    break;
                case PathAttribute.ExtendedCommunities:
                    if (flagsConflict || length == 0 || length % 8 != 0) { Malformed(flagsConflict, BgpError.MalformedExtendedCommunities, UpdateAction.TreatAsWithdraw); continue; }
                    break;
                case PathAttribute.As4Path:
                    if (flagsConflict || !Wire.AsPath.IsValid(value, 4)) { Malformed(flagsConflict, BgpError.MalformedAs4Path, UpdateAction.AttributeDiscard); continue; }
                    _as4PathStart = _keyLength + 4;
                    _as4PathLength = length;
                    break;
                case PathAttribute.As4Aggregator:
                    if (flagsConflict || length != 8) { Malformed(flagsConflict, BgpError.MalformedAs4Aggregator, UpdateAction.AttributeDiscard); continue; }
                    break;
                case PathAttribute.LargeCommunities:
                    if (flagsConflict || length == 0 || length % 12 != 0) { Malformed(flagsConflict, BgpError.MalformedLargeCommunities, UpdateAction.TreatAsWithdraw); continue; }
                    break;
                case PathAttribute.OnlyToCustomer:
                    if (flagsConflict || length != 4) { Malformed(flagsConflict, BgpError.MalformedOnlyToCustomer, UpdateAction.TreatAsWithdraw); continue; }
                    break;
                case PathAttribute.MpReach:
                    if (flagsConflict || !ReadMpReach(value, context, ref mpReachPrefixes)) Fail(flagsConflict ? BgpError.AttributeFlagsConflict : BgpError.MalformedMpReach, UpdateAction.SessionReset);
                    continue; // its key part (family and next hop) was written by ReadMpReach
                case PathAttribute.MpUnreach:
                    if (flagsConflict || !ReadMpUnreach(value, context, out emptyUnreach)) Fail(flagsConflict ? BgpError.AttributeFlagsConflict : BgpError.MalformedMpUnreach, UpdateAction.SessionReset);
                    continue; // withdrawals are not part of the path
                default:
                    UnknownAttributes++;
                    break;
            }
            AppendKey(flags, code, value);
        }
        return emptyUnreach && count == 1;
    }

    private void Malformed(bool flagsConflict, BgpError error, UpdateAction action)
    {
        Fail(flagsConflict ? BgpError.AttributeFlagsConflict : error, action);
        if (action == UpdateAction.AttributeDiscard) DiscardedAttributes++;
    }

    private bool ReadMpReach(ReadOnlySpan<byte> value, in UpdateContext context, ref int prefixes)
    {
        if (value.Length < 5) return false;
        ushort afi = BinaryPrimitives.ReadUInt16BigEndian(value);
        byte safi = value[2];
        int nextHopLength = value[3];
        if (value.Length < 5 + nextHopLength) return false;
        var nextHop = value.Slice(4, nextHopLength);
        if (!RouteFamilies.TryFrom(afi, safi, out var family))
        {
            OtherFamilyAttributes++;
            return true;
        }
        // IPv4 next hop (4), IPv6 global (16) or global + link-local (32); RFC 8950 lets IPv4 NLRI use IPv6 next hops.
        if (nextHopLength is not (4 or 16 or 32) || (family.IsIpv6() && nextHopLength == 4)) return false;
        NextHop = nextHopLength == 4
            ? Address.V4(BinaryPrimitives.ReadUInt32BigEndian(nextHop))
            : Address.V6(BinaryPrimitives.ReadUInt128BigEndian(nextHop));
        int before = Announced.Count;
        if (!Nlri.Read(value[(5 + nextHopLength)..], family, context.HasAddPath(family), Announced)) return false;
        prefixes += Announced.Count - before;
        AppendKey(PathAttribute.FlagOptional, PathAttribute.MpReach, value[..(4 + nextHopLength)]);
        return true;
    }

    private bool ReadMpUnreach(ReadOnlySpan<byte> value, in UpdateContext context, out bool empty)
    {
        empty = false;
        if (value.Length < 3) return false;
        ushort afi = BinaryPrimitives.ReadUInt16BigEndian(value);
        byte safi = value[2];
        empty = value.Length == 3;
        if (!RouteFamilies.TryFrom(afi, safi, out var family))
        {
            OtherFamilyAttributes++;
            return true;
        }
        return Nlri.Read(value[3..], family, context.HasAddPath(family), Withdrawn);
    }

    private void AppendKey(byte flags, byte code, ReadOnlySpan<byte> value)
    {
        int need = _keyLength + 4 + value.Length;
        if (need > _key.Length) Array.Resize(ref _key, Math.Max(need, _key.Length * 2));
        var key = _key.AsSpan(_keyLength);
        key[0] = (byte)(flags & (PathAttribute.FlagOptional | PathAttribute.FlagTransitive | PathAttribute.FlagPartial));
        key[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(key[2..], (ushort)value.Length);
        value.CopyTo(key[4..]);
        _keyLength = need;
    }
}
