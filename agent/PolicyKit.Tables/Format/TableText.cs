using System.Globalization;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Format;

/// <summary>Address sets, prefixes and bandwidths as people write them.</summary>
public static class TableValueText
{
    /// <summary>A range as a prefix when it is exactly one ("232.10.0.0/16", "192.0.2.1/32"), else "first-last".</summary>
    public static string Range(AddressRange range)
    {
        int bits = range.Family == AddressFamily.V4 ? 32 : 128;
        UInt128 span = range.Last - range.First;
        // span + 1 is a power of two (wrapping to 0 for the whole space) and First is aligned to it.
        if ((span & (span + 1)) == 0 && (range.First & span) == 0)
            return $"{AddressText.Format(range.Family, range.First)}/{bits - (int)UInt128.PopCount(span)}";
        return $"{AddressText.Format(range.Family, range.First)}-{AddressText.Format(range.Family, range.Last)}";
    }

    /// <summary>Each range of a set, in order; "any" for <see cref="RangeSet.Any"/>.</summary>
    public static IReadOnlyList<string> Ranges(RangeSet set) =>
        set.IsAny ? ["any"] : set.Ranges.IsDefault ? [] : set.Ranges.Select(Range).ToList();

    /// <summary>A set on one line: "any", "none" (empty), or the ranges joined by ", ".</summary>
    public static string Set(RangeSet? set) => set is null ? "any" : set.IsAny ? "any" : set.Ranges.IsDefaultOrEmpty ? "none" : string.Join(", ", Ranges(set));

    public static string Prefix(AddressFamily family, UInt128 network, int length) =>
        $"{AddressText.Format(family, network)}/{length.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Bits per second in the largest exact unit: 4000000 → "4Mbps", 1600000 → "1.6Mbps", 1000 → "1kbps".</summary>
    public static string Bandwidth(long bps)
    {
        foreach (var (unit, name) in new[] { (1_000_000_000L, "Gbps"), (1_000_000L, "Mbps"), (1_000L, "kbps") })
        {
            if (bps >= unit && bps < long.MaxValue / 1000 && bps * 1000 % unit == 0)
                return ((decimal)bps / unit).ToString("0.###", CultureInfo.InvariantCulture) + name;
        }
        return bps.ToString(CultureInfo.InvariantCulture) + "bps";
    }

    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The readable rendering of a table (<c>mpolc inspect --format text</c>, and the reviewable
/// form the compiler shows in diffs and golden files): the file's framing when known, then
/// each part with its count, every interface with its limits, every filter with its rules,
/// each with the policy location it came from.
/// </summary>
public static class TableText
{
    private const int WrapWidth = 100;

    public static string Render(AdmissionTable table, TableFileInfo? file = null, bool withHeader = true)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, table, file, withHeader);
        return writer.ToString();
    }

    /// <summary>Writes the rendering; <paramref name="withHeader"/> false leaves out device, policy hash and compiler (shown elsewhere).</summary>
    public static void Write(TextWriter output, AdmissionTable table, TableFileInfo? file = null, bool withHeader = true)
    {
        var w = new Renderer(output, table);
        w.Run(file, withHeader);
    }

    private sealed class Renderer(TextWriter output, AdmissionTable table)
    {
        public void Run(TableFileInfo? file, bool withHeader)
        {
            if (file is not null)
            {
                Line($"format    {file.Version}, {N(file.Length)} bytes, sha256 {file.Checksum}");
                Line(file.Signature is { } s
                    ? $"signature ECDSA P-256 by key {s.KeyId}, {(s.Verified ? "verified with a trusted key" : "NOT verified (no trusted key given)")}"
                    : "signature none (unsigned)");
            }
            if (withHeader)
            {
                Line($"device    {table.Header.Device} (platform {table.Header.Platform})");
                Line($"policy    sha256 {table.Header.PolicyHash}");
                Line($"compiler  {table.Header.CompilerVersion}");
                Line($"serial    {(table.Header.Serial == 0 ? "none" : table.Header.Serial.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
            }
            if (file is not null)
            {
                Blank();
                Line($"sections ({file.Sections.Length})");
                foreach (var section in file.Sections)
                    Line($"  {section.Id,3} {section.Name,-16} {N(section.Length),8} bytes at {N(section.Offset)}{(section.Skipped ? "  (not understood by this reader: skipped)" : "")}");
            }
            if (file is not null || withHeader) Blank();
            Router();
            Interfaces();
            Filters();
            PrefixFilters();
            Classes();
            MsdpPeers();
            BgpPeers();
            Blank();
            Line(table.Damping is { } d
                ? $"damping   half-life {N(d.HalfLifeSeconds)}s, reuse {N(d.Reuse)}, suppress {N(d.Suppress)}, max-suppress {N(d.MaxSuppressSeconds)}s{At(d.Location)}"
                : "damping   none");
            Line(table.Telemetry is { } t
                ? $"telemetry site '{t.Site}', interval {N(t.IntervalSeconds)}s, warn at {N(t.WarnPercent)}%"
                : "telemetry none");
        }

        private void Router()
        {
            var r = table.Router;
            Line("router");
            Line(r.RouteLimit == RouterEntry.Unlimited
                ? "  route limit      unlimited"
                : $"  route limit      {N(r.RouteLimit)}{(r.RouteWarn == RouterEntry.Unlimited ? "" : $", warn above {N(r.RouteWarn)}")}{At(r.RouteLimitLocation)}");
            Line($"  IGMP cap         {GroupLimit(r.IgmpCap)}");
            Line($"  MLD cap          {GroupLimit(r.MldCap)}");
            Set("  SSM range        ", r.Ssm);
            Line(r.RegisterRatePerSecond == RouterEntry.Unlimited
                ? "  register rate    unlimited"
                : $"  register rate    {N(r.RegisterRatePerSecond)}/s per (S,G){At(r.RegisterRateLocation)}");
            Line($"  accept-register  {Filter(r.AcceptRegisterFilter)}");
            Line($"  group range      {Filter(r.GroupRangeFilter)}");
            // Format 1.1 fields: shown only when set, so a 1.0 table reads as it always did.
            if (r.IgmpDefault is not null) Line($"  IGMP default     {GroupLimit(r.IgmpDefault)} (interfaces not named below)");
            if (r.MldDefault is not null) Line($"  MLD default      {GroupLimit(r.MldDefault)} (interfaces not named below)");
            if (r.MsdpRedistributeFilter != -1) Line($"  msdp redistribute {Filter(r.MsdpRedistributeFilter)}");
            // Format 1.2: shown only when set.
            if (r.AuditLocation >= 0) Line($"  AUDIT            the whole device: every deny is reported as would-deny and admitted{At(r.AuditLocation)}");
        }

        private void Interfaces()
        {
            Blank();
            Line($"interfaces ({N(table.Interfaces.Length)})");
            foreach (var iface in table.Interfaces)
            {
                Line($"  \"{iface.Name}\"{At(iface.Location)}");
                if (iface.InAudit) Line($"    AUDIT: its rules' denies are reported as would-deny and admitted{At(iface.AuditLocation)}");
                Membership("IGMP", iface.Igmp);
                Membership("MLD", iface.Mld);
                foreach (var limit in iface.StateLimits)
                {
                    string direction = limit.Direction.ToString().ToLowerInvariant();
                    string max = limit.CostBased ? $"cost {TableValueText.Bandwidth(limit.Max)}" : $"{N(limit.Max)} states";
                    Line($"    state-limit {direction} {max}{At(limit.Location)}");
                    if (limit.Sources is not null) Set("      sources ", limit.Sources);
                    if (limit.Groups is not null) Set("      groups ", limit.Groups);
                    if (limit.CostBased)
                    {
                        string classes = limit.Classes.IsDefaultOrEmpty ? "none" : string.Join(", ", limit.Classes.Select(ClassName));
                        Line($"      classes {classes}; default cost {TableValueText.Bandwidth(limit.DefaultCostBps)}");
                    }
                }
                if (iface.SourceFilter != MembershipEntry.NoFilter) Line($"    source filter {Filter(iface.SourceFilter)}");
            }
        }

        private void Membership(string protocol, MembershipEntry? entry)
        {
            if (entry is null) return;
            var parts = new List<string>();
            if (entry.MinVersion > 0) parts.Add($"version >= {N(entry.MinVersion)}");
            parts.Add($"access {Filter(entry.AccessFilter)}");
            parts.Add($"limit {GroupLimit(entry.Limit)}");
            if (entry.DropQueries) parts.Add("queries dropped");
            Line($"    {protocol} {string.Join("; ", parts)}{At(entry.Location)}");
        }

        private void Filters()
        {
            Blank();
            Line($"filters ({N(table.Filters.Length)})");
            for (int i = 0; i < table.Filters.Length; i++)
            {
                var filter = table.Filters[i];
                Line($"  #{N(i)} {filter.Name} ({N(filter.Rules.Length)} rule{(filter.Rules.Length == 1 ? "" : "s")}, first match; no match denies){At(filter.Location)}");
                for (int r = 0; r < filter.Rules.Length; r++)
                {
                    var rule = filter.Rules[r];
                    string action = rule.Action == RuleAction.Permit ? "permit" : "deny";
                    string head = $"    {N(r + 1),3} {action}";
                    string sources = TableValueText.Set(rule.Sources), groups = TableValueText.Set(rule.Groups);
                    string from = rule.From is null ? "" : " from " + TableValueText.Set(rule.From);
                    if (head.Length + sources.Length + groups.Length + from.Length + 16 <= WrapWidth)
                    {
                        Line($"{head} sources {sources} groups {groups}{from}{At(rule.Location)}");
                        continue;
                    }
                    // A long rule: each set on its own line(s).
                    Line($"{head}{At(rule.Location)}");
                    Set("          sources ", rule.Sources ?? RangeSet.Any);
                    Set("          groups ", rule.Groups ?? RangeSet.Any);
                    if (rule.From is not null) Set("          from ", rule.From);
                }
            }
        }

        private void PrefixFilters()
        {
            Blank();
            Line($"prefix-filters ({N(table.PrefixFilters.Length)})");
            for (int i = 0; i < table.PrefixFilters.Length; i++)
            {
                var filter = table.PrefixFilters[i];
                Line($"  #{N(i)} {filter.Name} ({N(filter.Rules.Length)} rule{(filter.Rules.Length == 1 ? "" : "s")}, first match; no match denies){At(filter.Location)}");
                for (int r = 0; r < filter.Rules.Length; r++)
                {
                    var rule = filter.Rules[r];
                    string action = rule.Action == RuleAction.Permit ? "permit" : "deny";
                    string lengths = rule.MinLength == rule.Length && rule.MaxLength == rule.Length
                        ? ""
                        : $" ge {N(rule.MinLength)} le {N(rule.MaxLength)}";
                    Line($"    {N(r + 1),3} {action} {TableValueText.Prefix(rule.Family, rule.Network, rule.Length)}{lengths}{At(rule.Location)}");
                }
            }
        }

        private void Classes()
        {
            Blank();
            Line($"classes ({N(table.Classes.Length)})");
            for (int i = 0; i < table.Classes.Length; i++)
            {
                var cls = table.Classes[i];
                Line($"  #{N(i)} {cls.Name} cost {TableValueText.Bandwidth(cls.CostBps)}{At(cls.Location)}");
                if (cls.Sources is not null) Set("      sources ", cls.Sources);
                if (cls.Groups is not null) Set("      groups ", cls.Groups);
            }
        }

        private void MsdpPeers()
        {
            Blank();
            Line($"msdp-peers ({N(table.MsdpPeers.Length)})");
            foreach (var peer in table.MsdpPeers)
            {
                string limit = peer.SaLimit == RouterEntry.Unlimited ? "unlimited" : N(peer.SaLimit);
                Line($"  {AddressText.Format(peer.Family, peer.Address)} as {N(peer.RemoteAs)}: SA filter in {Filter(peer.SaFilterIn)}, out {Filter(peer.SaFilterOut)}; SA limit {limit}{At(peer.Location)}");
            }
        }

        private void BgpPeers()
        {
            Blank();
            Line($"bgp-peers ({N(table.BgpPeers.Length)})");
            foreach (var peer in table.BgpPeers)
            {
                string max = peer.MaxPrefix == RouterEntry.Unlimited
                    ? "max-prefix unlimited"
                    : $"max-prefix {N(peer.MaxPrefix)}{(peer.WarnCount == RouterEntry.Unlimited ? "" : $", warn at {N(peer.WarnCount)}")}" +
                      (peer.WarningOnly ? ", warning only" : peer.RestartSeconds > 0 ? $", restart after {N(peer.RestartSeconds)}s" : ", no restart");
                string filter = peer.PrefixFilterIn == MembershipEntry.NoFilter
                    ? "none"
                    : $"#{N(peer.PrefixFilterIn)} {table.PrefixFilters[peer.PrefixFilterIn].Name}";
                Line($"  {AddressText.Format(peer.Family, peer.Address)} as {N(peer.RemoteAs)}: {max}; prefix filter in {filter}{At(peer.Location)}");
            }
        }

        private string GroupLimit(GroupLimitEntry? limit) => limit is null
            ? "none"
            : $"{N(limit.Max)}{(limit.Except is null || limit.Except.Ranges.IsDefaultOrEmpty && !limit.Except.IsAny ? "" : $" except {TableValueText.Set(limit.Except)}")}{At(limit.Location)}";

        private string Filter(int index) => index == MembershipEntry.NoFilter ? "none" : $"filter #{N(index)} {table.Filters[index].Name}";

        private string ClassName(int index) => $"#{N(index)} {table.Classes[index].Name}";

        private string At(int location) => location < 0 ? "" : $"  ({table.LocationText(location)})";

        /// <summary>A labelled set: on the label's line when it fits, else one range per line below it.</summary>
        private void Set(string label, RangeSet set)
        {
            string inline = TableValueText.Set(set);
            if (label.Length + inline.Length <= WrapWidth)
            {
                Line(label + inline);
                return;
            }
            var ranges = TableValueText.Ranges(set);
            Line($"{label}({N(ranges.Count)} ranges)");
            string indent = new(' ', label.Length - label.TrimStart().Length + 2);
            foreach (var range in ranges) Line(indent + range);
        }

        private static string N(long value) => TableValueText.Number(value);

        private void Line(string text) => output.Write(text + "\n");

        private void Blank() => output.Write("\n");
    }
}
