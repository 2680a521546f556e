using PolicyKit.Engine.State;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine;

/// <summary>BGP prefixes per peer as the BMP station reports them: <c>neighbor … prefix-list in</c> and <c>neighbor … maximum-prefix</c>.</summary>
public sealed partial class AdmissionEngine
{
    /// <summary>
    /// A prefix announced by a BGP peer. Checks, in order:
    /// <list type="number">
    /// <item>A peer the table does not name is not limited: the prefix is tracked and admitted (<see cref="DecisionFlags.NoPolicy"/>).</item>
    /// <item><c>neighbor PEER prefix-list NAME in</c> — first match with ge/le; a refused prefix is not
    /// counted, and replaces (withdraws) the peer's earlier route for the same prefix.</item>
    /// <item>A prefix already held from this peer is an update: admitted, never refused by the limit.</item>
    /// <item><c>neighbor PEER maximum-prefix N [threshold] [warning-only]</c> — N prefixes are accepted (inclusive),
    /// the (N+1)-th is refused (the router tears the session down), or with warning-only admitted with
    /// <see cref="DecisionFlags.OverLimit"/>. Above the warning count the decision carries
    /// <see cref="DecisionFlags.Warning"/> (<see cref="DecisionFlags.WarningCrossed"/> on the prefix that crosses it).</item>
    /// </list>
    /// </summary>
    public Decision PrefixAnnounced(in PrefixEvent e, long now)
    {
        var b = Enter(now, 0);
        var t = b.Table;
        if (!TryNormalize(e, out var network)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        var key = new PrefixKey(e.Peer, network, e.Length);
        int slot = _prefixes.Find(key);
        int pi = t.FindBgpPeer(e.Peer);
        if (pi < 0)
        {
            if (slot < 0) _prefixes.Add(key, 0, StateTable<PrefixKey, byte>.Never);
            return Admit(b, DecisionFlags.NoPolicy | DecisionFlags.NotCounted | (slot >= 0 ? DecisionFlags.Refresh : DecisionFlags.None), RuleRef.None);
        }
        var peer = t.BgpPeers[pi];
        var permit = RuleRef.None;
        if (peer.FilterIn is { } filter)
        {
            if (!filter.Permits(network, e.Length, out var rule))
            {
                if (slot >= 0)
                {
                    _prefixes.Remove(slot);
                    b.PrefixUsed[pi]--;
                }
                return Deny(b, DenyReason.PrefixFilter, rule);
            }
            permit = rule;
        }

        var limitRef = peer.MaxPrefix >= 0 ? new RuleRef(RuleKind.MaxPrefix, pi, -1) : RuleRef.None;
        var flags = DecisionFlags.None;
        if (slot >= 0)
        {
            flags = DecisionFlags.Refresh | PrefixWarning(peer.WarnCount, b.PrefixUsed[pi], crossed: false);
            if (peer.MaxPrefix >= 0 && b.PrefixUsed[pi] > peer.MaxPrefix) flags |= DecisionFlags.OverLimit;
            return Admit(b, flags, permit.IsNone ? limitRef : permit, limitRef, b.PrefixUsed[pi], peer.MaxPrefix);
        }
        if (peer.MaxPrefix >= 0 && b.PrefixUsed[pi] >= peer.MaxPrefix)
        {
            if (!peer.Source.WarningOnly) return Deny(b, DenyReason.MaxPrefix, limitRef, b.PrefixUsed[pi], peer.MaxPrefix, ruleIsLimit: true);
            flags |= DecisionFlags.OverLimit;
        }
        _prefixes.Add(key, 0, StateTable<PrefixKey, byte>.Never);
        int count = ++b.PrefixUsed[pi];
        flags |= PrefixWarning(peer.WarnCount, count, crossed: true);
        var decisive = permit.IsNone || (flags & (DecisionFlags.Warning | DecisionFlags.OverLimit)) != 0 ? limitRef : permit;
        return Admit(b, flags, decisive, limitRef, count, peer.MaxPrefix);
    }

    /// <summary>A prefix withdrawn by a peer: removed, its count freed. Always admitted.</summary>
    public Decision PrefixWithdrawn(in PrefixEvent e, long now)
    {
        var b = Enter(now, 0);
        if (!TryNormalize(e, out var network)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        int slot = _prefixes.Find(new PrefixKey(e.Peer, network, e.Length));
        if (slot < 0) return Admit(b, DecisionFlags.NotFound, RuleRef.None);
        RemovePrefix(b, slot);
        return Admit(b, DecisionFlags.Removed, RuleRef.None);
    }

    /// <summary>A BGP peer went down (BMP peer-down): every prefix learned from it is removed. Returns how many.</summary>
    public int BgpPeerDown(Address peer, long now)
    {
        var b = Enter(now, 0);
        int removed = 0;
        for (int slot = 0; slot < _prefixes.HighWater; slot++)
        {
            if (!_prefixes.IsLive(slot) || _prefixes.Key(slot).Peer != peer) continue;
            RemovePrefix(b, slot);
            removed++;
        }
        return removed;
    }

    private void RemovePrefix(Binding b, int slot)
    {
        int pi = b.Table.FindBgpPeer(_prefixes.Key(slot).Peer);
        if (pi >= 0) b.PrefixUsed[pi]--;
        _prefixes.Remove(slot);
    }

    private static DecisionFlags PrefixWarning(int warnCount, int count, bool crossed)
    {
        if (warnCount < 0 || count <= warnCount) return DecisionFlags.None;
        return crossed && count == warnCount + 1 ? DecisionFlags.Warning | DecisionFlags.WarningCrossed : DecisionFlags.Warning;
    }

    /// <summary>The prefix with host bits cleared; false for a length the family cannot have.</summary>
    private static bool TryNormalize(in PrefixEvent e, out Address network)
    {
        network = e.Network;
        int bits = e.Network.Family == AddressFamily.V4 ? 32 : e.Network.Family == AddressFamily.V6 ? 128 : -1;
        if (bits < 0 || e.Length > bits || e.Peer.IsNone) return false;
        UInt128 mask = e.Length == 0 ? UInt128.Zero : UInt128.MaxValue << (bits - e.Length);
        if (bits == 32) mask &= uint.MaxValue;
        network = new Address(e.Network.Family, e.Network.Value & mask);
        return true;
    }
}
