namespace PolicyKit.Compiler.Binding;

/// <summary>
/// Where a filter is used and which match fields make sense there. A filter whose rules match on
/// something the place cannot see (an IGMP type in an MSDP SA filter) is an error (MP2007):
/// a router would silently ignore it or refuse the config.
/// </summary>
public sealed record FilterUsage(string Description, IReadOnlySet<string> Fields)
{
    /// <summary>The names <see cref="Model.Match.UsedFields"/> gives, each with a bit of <see cref="FieldMask"/>.</summary>
    private static readonly string[] FieldNames = ["sources", "groups", "prefixes", "from", "to", "rps", "protocol", "igmp-type", "port"];

    internal static int FieldBit(string field) => 1 << Array.IndexOf(FieldNames, field);

    /// <summary><see cref="Fields"/> as bits (a quick test that a rule fits; the names stay the reference).</summary>
    internal int FieldMask => Fields.Where(f => FieldNames.Contains(f)).Aggregate(0, (mask, f) => mask | FieldBit(f));

    private static FilterUsage Of(string description, params string[] fields) => new(description, new HashSet<string>(fields));

    public static readonly FilterUsage MsdpSaFilter = Of("an MSDP SA filter", "sources", "groups");
    public static readonly FilterUsage MsdpRedistribute = Of("an MSDP redistribute filter", "sources", "groups");
    public static readonly FilterUsage IgmpAccess = Of("an IGMP/MLD access filter", "sources", "groups", "from");
    public static readonly FilterUsage IgmpControl = Of("an IGMP control filter", "igmp-type", "from", "to");
    public static readonly FilterUsage Boundary = Of("a multicast boundary", "sources", "groups");
    public static readonly FilterUsage SourceFilter = Of("a source filter", "sources", "groups", "to", "protocol", "port");
    public static readonly FilterUsage PrefixFilter = Of("a BGP prefix filter", "prefixes");
    public static readonly FilterUsage Mrinfo = Of("an mrinfo filter", "from");
    public static readonly FilterUsage GroupRange = Of("a group-range filter", "groups");
    public static readonly FilterUsage AcceptRegister = Of("an accept-register filter", "sources", "groups");
    public static readonly FilterUsage AnnounceFilter = Of("an RP announce filter", "rps", "groups");
    public static readonly FilterUsage ControlPlane = Of("a control-plane filter", "protocol", "from", "to", "port", "igmp-type");
    public static readonly FilterUsage GroupEncryption = Of("a group-encryption scope", "sources", "groups", "from", "to", "protocol", "port");
}
