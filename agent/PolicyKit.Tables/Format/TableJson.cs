using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Format;

/// <summary>
/// A stable JSON rendering of a table (<c>mpolc inspect --format json</c>): properties in a fixed
/// order, parts in table order, addresses as text, address sets as "any" or a list of prefixes
/// ("232.10.0.0/16") and ranges ("10.0.0.1-10.0.0.5"), a set that is not written as null.
/// References stay indexes into "filters", "prefixFilters" and "classes"; "none" (-1) and
/// "unlimited" (-1) are null; locations are their policy text ("file:line:col"). Written with
/// <see cref="Utf8JsonWriter"/> only: no reflection, so it trims and compiles ahead of time.
/// </summary>
public static class TableJson
{
    /// <summary>The schema of this rendering; bumped when a property changes meaning or disappears.</summary>
    public const int SchemaVersion = 1;

    public static string Render(AdmissionTable table, TableFileInfo? file = null)
    {
        using var stream = new MemoryStream();
        Write(stream, table, file);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the rendering (indented, "\n" line ends, a final newline) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, AdmissionTable table, TableFileInfo? file = null)
    {
        var options = new JsonWriterOptions
        {
            Indented = true,
            NewLine = "\n",
            // As mpolc's other JSON: readable non-ASCII and quotes; still escapes what JSON requires.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var json = new Utf8JsonWriter(stream, options))
        {
            new Renderer(json, table).Run(file);
        }
        stream.WriteByte((byte)'\n');
    }

    private sealed class Renderer(Utf8JsonWriter json, AdmissionTable table)
    {
        public void Run(TableFileInfo? file)
        {
            json.WriteStartObject();
            json.WriteNumber("schema", SchemaVersion);
            if (file is not null) File(file);

            var h = table.Header;
            json.WriteStartObject("header");
            json.WriteString("device", h.Device);
            json.WriteString("platform", h.Platform);
            json.WriteString("policyHash", h.PolicyHash);
            json.WriteString("compilerVersion", h.CompilerVersion);
            json.WriteNumber("serial", h.Serial);
            json.WriteEndObject();

            Router();
            Interfaces();
            Filters();
            PrefixFilters();
            Classes();
            MsdpPeers();
            BgpPeers();

            if (table.Damping is { } d)
            {
                json.WriteStartObject("damping");
                json.WriteNumber("halfLifeSeconds", d.HalfLifeSeconds);
                json.WriteNumber("reuse", d.Reuse);
                json.WriteNumber("suppress", d.Suppress);
                json.WriteNumber("maxSuppressSeconds", d.MaxSuppressSeconds);
                Location(d.Location);
                json.WriteEndObject();
            }
            else json.WriteNull("damping");

            if (table.Telemetry is { } t)
            {
                json.WriteStartObject("telemetry");
                json.WriteString("site", t.Site);
                json.WriteNumber("intervalSeconds", t.IntervalSeconds);
                json.WriteNumber("warnPercent", t.WarnPercent);
                json.WriteEndObject();
            }
            else json.WriteNull("telemetry");

            json.WriteStartArray("locations");
            foreach (var location in table.Locations) json.WriteStringValue(location);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        private void File(TableFileInfo file)
        {
            json.WriteStartObject("file");
            json.WriteString("format", file.Version);
            json.WriteNumber("bytes", file.Length);
            json.WriteNumber("flags", file.Flags);
            json.WriteString("checksum", file.Checksum);
            if (file.Signature is { } s)
            {
                json.WriteStartObject("signature");
                json.WriteString("algorithm", s.Algorithm == TableFormat.SignatureEcdsaP256Sha256 ? "ecdsa-p256-sha256" : $"unknown-{s.Algorithm}");
                json.WriteString("keyId", s.KeyId);
                json.WriteBoolean("verified", s.Verified);
                json.WriteEndObject();
            }
            else json.WriteNull("signature");
            json.WriteStartArray("sections");
            foreach (var section in file.Sections)
            {
                json.WriteStartObject();
                json.WriteNumber("id", section.Id);
                json.WriteString("name", section.Name);
                json.WriteNumber("offset", section.Offset);
                json.WriteNumber("bytes", section.Length);
                json.WriteBoolean("skipped", section.Skipped);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }

        private void Router()
        {
            var r = table.Router;
            json.WriteStartObject("router");
            Limit("routeLimit", r.RouteLimit);
            Limit("routeWarn", r.RouteWarn);
            Location(r.RouteLimitLocation, "routeLimitLocation");
            GroupLimit("igmpCap", r.IgmpCap);
            GroupLimit("mldCap", r.MldCap);
            Index("groupRangeFilter", r.GroupRangeFilter);
            Set("ssm", r.Ssm);
            Limit("registerRatePerSecond", r.RegisterRatePerSecond);
            Location(r.RegisterRateLocation, "registerRateLocation");
            Index("acceptRegisterFilter", r.AcceptRegisterFilter);
            // Format 1.1 fields: written only when set.
            if (r.IgmpDefault is not null) GroupLimit("igmpDefault", r.IgmpDefault);
            if (r.MldDefault is not null) GroupLimit("mldDefault", r.MldDefault);
            if (r.MsdpRedistributeFilter != -1) Index("msdpRedistributeFilter", r.MsdpRedistributeFilter);
            // Format 1.2: written only when set.
            if (r.AuditLocation >= 0) Location(r.AuditLocation, "audit");
            json.WriteEndObject();
        }

        private void Interfaces()
        {
            json.WriteStartArray("interfaces");
            foreach (var iface in table.Interfaces)
            {
                json.WriteStartObject();
                json.WriteString("name", iface.Name);
                Membership("igmp", iface.Igmp);
                Membership("mld", iface.Mld);
                json.WriteStartArray("stateLimits");
                foreach (var limit in iface.StateLimits)
                {
                    json.WriteStartObject();
                    json.WriteString("direction", limit.Direction switch
                    {
                        LimitDirection.Rpf => "rpf",
                        LimitDirection.Out => "out",
                        _ => "connected",
                    });
                    json.WriteBoolean("costBased", limit.CostBased);
                    json.WriteNumber("max", limit.Max);
                    Set("sources", limit.Sources);
                    Set("groups", limit.Groups);
                    json.WriteStartArray("classes");
                    foreach (int index in limit.Classes) json.WriteNumberValue(index);
                    json.WriteEndArray();
                    json.WriteNumber("defaultCostBps", limit.DefaultCostBps);
                    Location(limit.Location);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                Index("sourceFilter", iface.SourceFilter);
                Location(iface.Location);
                if (iface.InAudit) Location(iface.AuditLocation, "audit");
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        private void Membership(string name, MembershipEntry? entry)
        {
            if (entry is null)
            {
                json.WriteNull(name);
                return;
            }
            json.WriteStartObject(name);
            json.WriteNumber("minVersion", entry.MinVersion);
            Index("accessFilter", entry.AccessFilter);
            GroupLimit("limit", entry.Limit);
            json.WriteBoolean("dropQueries", entry.DropQueries);
            Location(entry.Location);
            json.WriteEndObject();
        }

        private void Filters()
        {
            json.WriteStartArray("filters");
            for (int i = 0; i < table.Filters.Length; i++)
            {
                var filter = table.Filters[i];
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteString("name", filter.Name);
                Location(filter.Location);
                json.WriteStartArray("rules");
                foreach (var rule in filter.Rules)
                {
                    json.WriteStartObject();
                    json.WriteString("action", Action(rule.Action));
                    Set("sources", rule.Sources);
                    Set("groups", rule.Groups);
                    Set("from", rule.From);
                    Location(rule.Location);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        private void PrefixFilters()
        {
            json.WriteStartArray("prefixFilters");
            for (int i = 0; i < table.PrefixFilters.Length; i++)
            {
                var filter = table.PrefixFilters[i];
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteString("name", filter.Name);
                Location(filter.Location);
                json.WriteStartArray("rules");
                foreach (var rule in filter.Rules)
                {
                    json.WriteStartObject();
                    json.WriteString("action", Action(rule.Action));
                    json.WriteString("prefix", TableValueText.Prefix(rule.Family, rule.Network, rule.Length));
                    json.WriteNumber("minLength", rule.MinLength);
                    json.WriteNumber("maxLength", rule.MaxLength);
                    Location(rule.Location);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        private void Classes()
        {
            json.WriteStartArray("classes");
            for (int i = 0; i < table.Classes.Length; i++)
            {
                var cls = table.Classes[i];
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteString("name", cls.Name);
                Set("sources", cls.Sources);
                Set("groups", cls.Groups);
                json.WriteNumber("costBps", cls.CostBps);
                Location(cls.Location);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        private void MsdpPeers()
        {
            json.WriteStartArray("msdpPeers");
            foreach (var peer in table.MsdpPeers)
            {
                json.WriteStartObject();
                json.WriteString("address", AddressText.Format(peer.Family, peer.Address));
                json.WriteNumber("remoteAs", peer.RemoteAs);
                Index("saFilterIn", peer.SaFilterIn);
                Index("saFilterOut", peer.SaFilterOut);
                Limit("saLimit", peer.SaLimit);
                Location(peer.Location);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        private void BgpPeers()
        {
            json.WriteStartArray("bgpPeers");
            foreach (var peer in table.BgpPeers)
            {
                json.WriteStartObject();
                json.WriteString("address", AddressText.Format(peer.Family, peer.Address));
                json.WriteNumber("remoteAs", peer.RemoteAs);
                Limit("maxPrefix", peer.MaxPrefix);
                Limit("warnCount", peer.WarnCount);
                json.WriteNumber("restartSeconds", peer.RestartSeconds);
                json.WriteBoolean("warningOnly", peer.WarningOnly);
                Index("prefixFilterIn", peer.PrefixFilterIn);
                Location(peer.Location);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }

        private void GroupLimit(string name, GroupLimitEntry? limit)
        {
            if (limit is null)
            {
                json.WriteNull(name);
                return;
            }
            json.WriteStartObject(name);
            json.WriteNumber("max", limit.Max);
            Set("except", limit.Except);
            Location(limit.Location);
            json.WriteEndObject();
        }

        /// <summary>null (not written), "any", or the list of prefixes and ranges.</summary>
        private void Set(string name, RangeSet? set)
        {
            if (set is null) json.WriteNull(name);
            else if (set.IsAny) json.WriteString(name, "any");
            else
            {
                json.WriteStartArray(name);
                foreach (var range in set.Ranges) json.WriteStringValue(TableValueText.Range(range));
                json.WriteEndArray();
            }
        }

        private void Index(string name, int index)
        {
            if (index < 0) json.WriteNull(name);
            else json.WriteNumber(name, index);
        }

        private void Limit(string name, int value)
        {
            if (value == RouterEntry.Unlimited) json.WriteNull(name);
            else json.WriteNumber(name, value);
        }

        private void Location(int index, string name = "location")
        {
            if (index < 0) json.WriteNull(name);
            else json.WriteString(name, table.LocationText(index));
        }

        private static string Action(RuleAction action) => action == RuleAction.Permit ? "permit" : "deny";
    }
}
