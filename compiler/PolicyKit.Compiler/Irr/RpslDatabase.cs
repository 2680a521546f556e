using System.Globalization;
using System.Text.RegularExpressions;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Irr;

/// <summary>
/// What IRR resolution needs from RPSL data: the members of every as-set and the prefixes each
/// origin AS registered (route and route6 objects). Objects of other classes are skipped. An
/// as-set defined in two files (two registries) has the members of both. Names are compared in
/// upper case (RPSL names are case-insensitive).
/// </summary>
public sealed class RpslDatabase
{
    private readonly Dictionary<string, List<string>> _asSets = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, List<IpPrefix>> _routesByOrigin = [];

    // A member of an as-set: an ASN or (hierarchical) as-set name (RFC 2622 §5.1).
    private static readonly Regex MemberName = new(
        @"^(?:AS[0-9]{1,10}|AS-[A-Z0-9_-]+)(?::(?:AS[0-9]{1,10}|AS-[A-Z0-9_-]+))*$",
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    public int RouteCount { get; private set; }

    public int AsSetCount => _asSets.Count;

    /// <summary>Adds the objects of one file; a malformed route or as-set is an error and is skipped.</summary>
    public void Add(string text, Action<RpslError> error)
    {
        foreach (var rpslObject in RpslReader.Read(text, error))
        {
            switch (rpslObject.Class)
            {
                case "route":
                case "route6":
                    AddRoute(rpslObject, error);
                    break;
                case "as-set":
                    AddAsSet(rpslObject, error);
                    break;
            }
        }
    }

    public bool HasAsSet(string name) => _asSets.ContainsKey(name);

    public IReadOnlyList<string> MembersOf(string asSet) => _asSets.TryGetValue(asSet, out var members) ? members : [];

    public IReadOnlyList<IpPrefix> RoutesOf(uint asn) => _routesByOrigin.TryGetValue(asn, out var routes) ? routes : [];

    public bool HasRoutes(uint asn) => _routesByOrigin.ContainsKey(asn);

    /// <summary>The ASN of "AS65000" (any case), or null for anything else.</summary>
    public static uint? ParseAsn(string text)
    {
        if (text.Length < 3 || !text.StartsWith("AS", StringComparison.OrdinalIgnoreCase)) return null;
        var digits = text.AsSpan(2);
        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c)) return null;
        }
        return uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out uint asn) ? asn : null;
    }

    private void AddRoute(RpslObject route, Action<RpslError> error)
    {
        var key = route.First;
        if (!IpPrefix.TryParse(route.Key, out var prefix, out string reason, out bool hostBits))
        {
            error(new RpslError(key.Offset, key.Length, $"{route.Class} '{Clip(route.Key)}' is not a prefix: {reason}"));
            return;
        }
        if (hostBits || (route.Class == "route") != (prefix.Family == IpFamily.V4))
        {
            error(new RpslError(key.Offset, key.Length, hostBits
                ? $"{route.Class} '{Clip(route.Key)}' has host bits set"
                : $"{route.Class} '{Clip(route.Key)}' is of the wrong address family (route is IPv4, route6 IPv6)"));
            return;
        }
        bool any = false;
        foreach (var origin in route.All("origin"))
        {
            if (ParseAsn(origin.Value) is not { } asn)
            {
                error(new RpslError(origin.Offset, origin.Length, $"origin '{Clip(origin.Value)}' of {route.Class} {prefix} is not an AS number (AS65000)"));
                return;
            }
            if (!_routesByOrigin.TryGetValue(asn, out var routes)) _routesByOrigin[asn] = routes = [];
            routes.Add(prefix);
            any = true;
        }
        if (!any)
        {
            error(new RpslError(key.Offset, key.Length, $"{route.Class} {prefix} has no origin"));
            return;
        }
        RouteCount++;
    }

    private void AddAsSet(RpslObject asSet, Action<RpslError> error)
    {
        var key = asSet.First;
        string name = asSet.Key.ToUpperInvariant();
        if (!MemberName.IsMatch(name) || ParseAsn(name) is not null)
        {
            error(new RpslError(key.Offset, key.Length, $"'{Clip(asSet.Key)}' is not an as-set name (AS-EXAMPLE, AS65000:AS-CUSTOMERS)"));
            return;
        }
        var members = new List<string>();
        foreach (var attribute in asSet.All("members"))
        {
            foreach (var member in attribute.Value.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            {
                string upper = member.ToUpperInvariant();
                if (!MemberName.IsMatch(upper))
                {
                    error(new RpslError(attribute.Offset, attribute.Length, $"member '{Clip(member)}' of as-set {name} is neither an AS number nor an as-set name"));
                    return;
                }
                members.Add(upper);
            }
        }
        if (!_asSets.TryGetValue(name, out var known)) _asSets[name] = members;
        else known.AddRange(members);
    }

    private static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
