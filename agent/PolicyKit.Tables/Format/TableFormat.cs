namespace PolicyKit.Tables.Format;

/// <summary>
/// The constants of the admission-table file format (<c>DEVICE.mpt</c>); docs/table-format.md
/// is the byte-level specification. All multi-byte header fields are little-endian; addresses
/// are big-endian (network order), as written on the wire.
/// </summary>
public static class TableFormat
{
    /// <summary>
    /// The first 8 bytes of every table: 0x89 "MPT" CR LF 0x1A LF. As in PNG, the high byte
    /// catches 7-bit transfers and the CR LF / LF pair catches line-ending conversion.
    /// </summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'M', (byte)'P', (byte)'T', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The major version this library reads and writes. A reader refuses any other major.</summary>
    public const ushort MajorVersion = 1;

    /// <summary>
    /// The newest minor version this library reads and writes. A newer minor only adds sections or
    /// appends fields to the end of a section, both of which an older reader of the same major skips.
    /// 1.1 appends the serial to the header and adds the sections membership-defaults and
    /// msdp-origination, written only when the policy uses them (and then flagged must-understand:
    /// <see cref="FlagEnforces11"/>). 1.2 adds the section audit, written only when the policy puts a
    /// scope in audit (flagged <see cref="FlagAudit12"/>); a table without it is written as 1.1.
    /// </summary>
    public const ushort MinorVersion = 2;

    /// <summary>The minor version a table is written with: 1.2 only when it uses the audit section, so every other table keeps its 1.1 bytes.</summary>
    public static ushort MinorFor(Model.AdmissionTable table) => table.UsesAudit ? (ushort)2 : (ushort)1;

    /// <summary>The first minor version whose header carries the serial (appended to the header section).</summary>
    public const ushort SerialSinceMinor = 1;

    /// <summary>
    /// The largest table file a reader accepts (the agent, <c>mpolc inspect</c>). A 100k-line
    /// policy's table is a few MB; anything near this is not a table.
    /// </summary>
    public const long MaxFileLength = 64L * 1024 * 1024;

    /// <summary>The flags a table is written with (before signing): <see cref="FlagEnforces11"/> when it uses a 1.1 enforcement section.</summary>
    public static uint FlagsFor(Model.AdmissionTable table) =>
        (table.Router.UsesMinor1 ? FlagEnforces11 : 0) | (table.UsesAudit ? FlagAudit12 : 0);

    /// <summary>The fixed header: magic (8), major (2), minor (2), flags (4), body length (4).</summary>
    public const int HeaderLength = 20;

    public const int MagicLength = 8;

    public const int MajorOffset = 8;

    public const int MinorOffset = 10;

    public const int FlagsOffset = 12;

    public const int BodyLengthOffset = 16;

    /// <summary>The SHA-256 checksum after the body, over header and body.</summary>
    public const int ChecksumLength = 32;

    /// <summary>Flag bit 0: a signature trailer follows the checksum.</summary>
    public const uint FlagSigned = 1u << 0;

    /// <summary>
    /// Bits 1–15 are must-understand: a reader refuses a table that sets one it does not know.
    /// Bits 16–31 are hints a reader may ignore. Version 1.0 defines no bit but <see cref="FlagSigned"/>;
    /// 1.1 defines <see cref="FlagEnforces11"/>.
    /// </summary>
    public const uint MustUnderstandFlags = 0x0000_FFFF;

    /// <summary>
    /// Flag bit 1 (must-understand, format 1.1): the table has enforcement sections of 1.1
    /// (membership-defaults, msdp-origination). An older agent would skip them and enforce less
    /// than the policy says, so it must refuse the table (and keep the one it has) instead.
    /// </summary>
    public const uint FlagEnforces11 = 1u << 1;

    /// <summary>
    /// Flag bit 2 (must-understand, format 1.2): the table puts scopes in audit (section audit). An
    /// older agent would skip the section and enforce what the policy only wants watched — deny
    /// live traffic the operator has not yet agreed to deny — so it must refuse the table instead.
    /// </summary>
    public const uint FlagAudit12 = 1u << 2;

    public const uint KnownFlags = FlagSigned | FlagEnforces11 | FlagAudit12;

    /// <summary>Signature algorithm 1: ECDSA over NIST P-256 with SHA-256, IEEE P1363 (r‖s) encoding.</summary>
    public const byte SignatureEcdsaP256Sha256 = 1;

    /// <summary>Key id: SHA-256 of the public key's DER SubjectPublicKeyInfo.</summary>
    public const int KeyIdLength = 32;

    public const int EcdsaP256SignatureLength = 64;

    /// <summary>The signature trailer: algorithm (1), key id (32), signature (64).</summary>
    public const int SignatureTrailerLength = 1 + KeyIdLength + EcdsaP256SignatureLength;

    /// <summary>Range-set tags.</summary>
    internal const byte RangeSetAbsent = 0;
    internal const byte RangeSetAny = 1;
    internal const byte RangeSetList = 2;

    /// <summary>The name a section has in messages and in <c>mpolc inspect</c>.</summary>
    public static string SectionName(int id) => id switch
    {
        SectionId.Header => "header",
        SectionId.Locations => "locations",
        SectionId.Filters => "filters",
        SectionId.PrefixFilters => "prefix-filters",
        SectionId.Classes => "classes",
        SectionId.Router => "router",
        SectionId.Interfaces => "interfaces",
        SectionId.MsdpPeers => "msdp-peers",
        SectionId.BgpPeers => "bgp-peers",
        SectionId.Damping => "damping",
        SectionId.Telemetry => "telemetry",
        SectionId.MembershipDefaults => "membership-defaults",
        SectionId.MsdpOrigination => "msdp-origination",
        SectionId.Audit => "audit",
        _ => $"unknown section {id}",
    };

    /// <summary>Whether a 1.x reader must find the section (the others may be absent).</summary>
    public static bool IsRequired(int id) => id is >= SectionId.Header and <= SectionId.BgpPeers;
}

/// <summary>Section ids of format 1.2 (1.0: ids 1–11; 1.1: 12–13; 1.2: 14). Sections appear in increasing id order, each at most once.</summary>
public static class SectionId
{
    public const int Header = 1;
    public const int Locations = 2;
    public const int Filters = 3;
    public const int PrefixFilters = 4;
    public const int Classes = 5;
    public const int Router = 6;
    public const int Interfaces = 7;
    public const int MsdpPeers = 8;
    public const int BgpPeers = 9;
    public const int Damping = 10;
    public const int Telemetry = 11;

    /// <summary>1.1: the per-interface IGMP/MLD default limits of interfaces the table does not name.</summary>
    public const int MembershipDefaults = 12;

    /// <summary>1.1: <c>ip msdp redistribute</c>, the filter over the SAs this RP originates.</summary>
    public const int MsdpOrigination = 13;

    /// <summary>1.2: the scopes in audit: the device's audit location (-1 none), then the audited interfaces (index, location).</summary>
    public const int Audit = 14;

    /// <summary>The highest id this library knows (format 1.2); higher ids are skipped.</summary>
    public const int LastKnown = Audit;
}
