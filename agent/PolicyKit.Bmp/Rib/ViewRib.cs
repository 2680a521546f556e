using System.Runtime.CompilerServices;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Rib;

/// <summary>
/// The routes of one view (pre-policy, post-policy, Adj-RIB-Out, Loc-RIB) of one monitored
/// peer: route → interned attribute id. IPv4 routes without ADD-PATH — the bulk of a full
/// table — are packed into a ulong (address · length · family) in a map of 12 bytes a slot;
/// IPv6 and ADD-PATH routes use a 24-byte key. With ADD-PATH the number of paths per prefix is
/// kept too, so a prefix counts once however many paths it has.
/// </summary>
internal sealed class ViewRib
{
    private PrefixMap<ulong> _v4 = new(64);
    private PrefixMap<RouteKey>? _other;
    private PrefixMap<RouteKey>? _paths;
    private readonly int[] _prefixes = new int[RouteFamilies.Count];

    /// <summary>Routes held (paths with ADD-PATH).</summary>
    public int Routes => _v4.Count + (_other?.Count ?? 0);

    /// <summary>Distinct prefixes of a family (ADD-PATH paths of one prefix count once).</summary>
    public int Prefixes(RouteFamily family) => _prefixes[(int)family];

    public int PrefixTotal => _prefixes[0] + _prefixes[1] + _prefixes[2] + _prefixes[3];

    public long Bytes => _v4.Bytes + (_other?.Bytes ?? 0) + (_paths?.Bytes ?? 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Pack(in RoutePrefix p) => ((ulong)(uint)p.Bits << 32) | ((ulong)p.Length << 8) | (byte)p.Family;

    private static RoutePrefix Unpack(ulong key) => new((RouteFamily)(byte)key, (uint)(key >> 32), (byte)(key >> 8), 0);

    /// <summary>Starts loading where the route's slot is, so the misses of an UPDATE's routes overlap (see <see cref="PrefixMap{TKey}.Prefetch"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(in RoutePrefix p, bool addPath)
    {
        if (!addPath && !p.Family.IsIpv6()) _v4.Prefetch(Pack(p));
    }

    /// <summary>
    /// Adds or replaces a route; returns the attribute id it replaced, or -1 when the route is new.
    /// <paramref name="newPrefix"/> is true when no path of the prefix was held before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Announce(in RoutePrefix p, int attributes, bool addPath, out bool newPrefix)
    {
        int previous;
        if (!addPath && !p.Family.IsIpv6()) previous = _v4.Set(Pack(p), attributes);
        else previous = (_other ??= new PrefixMap<RouteKey>(64)).Set(RouteKey.Of(p), attributes);
        newPrefix = previous < 0 && (!addPath || AddPath(p, +1) == 1);
        if (newPrefix) _prefixes[(int)p.Family]++;
        return previous;
    }

    /// <summary>
    /// Removes a route; returns its attribute id, or -1 when it was not held.
    /// <paramref name="prefixGone"/> is true when that was the prefix's last path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Withdraw(in RoutePrefix p, bool addPath, out bool prefixGone)
    {
        int previous = !addPath && !p.Family.IsIpv6() ? _v4.Remove(Pack(p)) : _other?.Remove(RouteKey.Of(p)) ?? -1;
        prefixGone = previous >= 0 && (!addPath || AddPath(p, -1) == 0);
        if (prefixGone) _prefixes[(int)p.Family]--;
        return previous;
    }

    /// <summary>The attribute id of a route, or -1.</summary>
    public int Find(in RoutePrefix p, bool addPath)
    {
        if (!addPath && !p.Family.IsIpv6()) return _v4.TryGetValue(Pack(p), out int v) ? v : -1;
        return _other is not null && _other.TryGetValue(RouteKey.Of(p), out int w) ? w : -1;
    }

    /// <summary>Whether any path of the prefix is still held (ADD-PATH), or the route itself (without).</summary>
    public bool HoldsPrefix(in RoutePrefix p, bool addPath)
    {
        if (!addPath) return Find(p, false) >= 0;
        return _paths is not null && _paths.TryGetValue(RouteKey.PrefixOnly(p), out int n) && n > 0;
    }

    private int AddPath(in RoutePrefix p, int delta)
    {
        _paths ??= new PrefixMap<RouteKey>(64);
        var key = RouteKey.PrefixOnly(p);
        int n = (_paths.TryGetValue(key, out int held) ? held : 0) + delta;
        if (n <= 0) _paths.Remove(key);
        else _paths.Set(key, n);
        return n;
    }

    /// <summary>Every route with its attribute id (the RIB must not change during the walk).</summary>
    public IEnumerable<(RoutePrefix Prefix, int Attributes)> Entries()
    {
        foreach (var (key, value) in _v4.Entries()) yield return (Unpack(key), value);
        if (_other is null) yield break;
        foreach (var (key, value) in _other.Entries()) yield return (key.Prefix, value);
    }

    /// <summary>Every distinct prefix held (ADD-PATH paths of a prefix once), for recounting.</summary>
    public IEnumerable<RoutePrefix> DistinctPrefixes()
    {
        foreach (var (key, _) in _v4.Entries()) yield return Unpack(key);
        if (_other is null) yield break;
        if (_paths is null)
        {
            foreach (var (key, _) in _other.Entries()) yield return key.Prefix;
            yield break;
        }
        // With ADD-PATH, IPv4 and IPv6 paths live in _other and their prefixes in _paths; IPv6 without ADD-PATH only in _other.
        foreach (var (key, _) in _paths.Entries()) yield return key.Prefix;
        foreach (var (key, _) in _other.Entries())
        {
            if (key.PathId == 0 && key.Family.IsIpv6() && !_paths.TryGetValue(RouteKey.PrefixOnly(key.Prefix), out _)) yield return key.Prefix;
        }
    }

    /// <summary>Drops every route and gives the memory back (a peer that went down may never return).</summary>
    public void Clear()
    {
        _v4 = new PrefixMap<ulong>(64);
        _other = null;
        _paths = null;
        Array.Clear(_prefixes);
    }
}
