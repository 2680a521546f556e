using PolicyKit.Engine.State;

namespace PolicyKit.Engine;

/// <summary>MSDP Source-Active messages: <c>ip msdp sa-filter in|out</c> and <c>ip msdp sa-limit</c>.</summary>
public sealed partial class AdmissionEngine
{
    /// <summary>
    /// An SA received from a peer, to be stored in the SA cache. Checks, in order:
    /// <list type="number">
    /// <item>The sender must be a configured MSDP peer (<c>ip msdp peer</c>).</item>
    /// <item><c>ip multicast group-range</c> (it applies to MSDP too).</item>
    /// <item><c>ip msdp sa-filter in PEER list ACL</c> — first match over (S,G); no filter accepts every SA.</item>
    /// <item>An SA already cached from this peer is refreshed (never refused by the limit).</item>
    /// <item><c>ip msdp sa-limit PEER N</c> — at most N SA states from this peer (inclusive).</item>
    /// </list>
    /// Cached SAs live until <see cref="EngineOptions.SaTimeout"/> without a refresh, or until <see cref="MsdpPeerDown"/>.
    /// </summary>
    public Decision SaReceived(in SaEvent e, long now)
    {
        var b = Enter(now, Tables.Sas);
        var t = b.Table;
        if (e.Source.IsNone || !WellFormed(e.Source, e.Group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        int pi = t.FindMsdpPeer(e.Peer);
        if (pi < 0) return Deny(b, DenyReason.UnknownPeer, RuleRef.None);
        var peer = t.MsdpPeers[pi];
        RuleRef rule;
        if (t.GroupRange is { } range && !range.Permits(e.Group, e.Source, Address.None, out rule)) return Deny(b, DenyReason.GroupRange, rule);
        var permit = RuleRef.None;
        if (peer.FilterIn is { } filter)
        {
            if (!filter.Permits(e.Group, e.Source, Address.None, out rule)) return Deny(b, DenyReason.SaFilterIn, rule);
            permit = rule;
        }

        var limitRef = peer.SaLimit >= 0 ? new RuleRef(RuleKind.SaLimit, pi, -1) : RuleRef.None;
        var key = new SaKey(e.Peer, e.Source.Value, e.Group.Value, e.Group.Family);
        int slot = _sas.Find(key);
        if (slot >= 0)
        {
            _sas.Value(slot) = e.Rp;
            _sas.Extend(slot, Expiry(_saTicks));
            return Admit(b, DecisionFlags.Refresh, permit.IsNone ? limitRef : permit, limitRef, b.SaUsed[pi], peer.SaLimit);
        }
        if (peer.SaLimit >= 0 && b.SaUsed[pi] >= peer.SaLimit) return Deny(b, DenyReason.SaLimit, limitRef, b.SaUsed[pi], peer.SaLimit, ruleIsLimit: true);
        _sas.Add(key, e.Rp, Expiry(_saTicks));
        b.SaUsed[pi]++;
        return Admit(b, DecisionFlags.None, permit.IsNone ? limitRef : permit, limitRef, b.SaUsed[pi], peer.SaLimit);
    }

    /// <summary>
    /// An SA this router would send to a peer: the peer must be configured, the group enabled
    /// (<c>ip multicast group-range</c>), and <c>ip msdp sa-filter out PEER list ACL</c> must permit (S,G).
    /// Keeps no state.
    /// </summary>
    public Decision SaForward(in SaEvent e, long now)
    {
        var b = Enter(now, Tables.Sas);
        var t = b.Table;
        if (e.Source.IsNone || !WellFormed(e.Source, e.Group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        int pi = t.FindMsdpPeer(e.Peer);
        if (pi < 0) return Deny(b, DenyReason.UnknownPeer, RuleRef.None);
        RuleRef rule;
        if (t.GroupRange is { } range && !range.Permits(e.Group, e.Source, Address.None, out rule)) return Deny(b, DenyReason.GroupRange, rule);
        if (t.MsdpPeers[pi].FilterOut is { } filter)
        {
            return filter.Permits(e.Group, e.Source, Address.None, out rule)
                ? Admit(b, DecisionFlags.None, rule)
                : Deny(b, DenyReason.SaFilterOut, rule);
        }
        return Admit(b, DecisionFlags.None, RuleRef.None);
    }

    /// <summary>
    /// An SA this RP originates for a local source, to be sent to a peer: the peer must be
    /// configured, the group enabled (<c>ip multicast group-range</c>), <c>ip msdp redistribute
    /// list ACL</c> must permit (S,G) — it decides which local sources this RP announces at all,
    /// whatever the peer — and then <c>ip msdp sa-filter out PEER list ACL</c> must permit it.
    /// (SAs forwarded from other RPs are <see cref="SaForward"/>: the redistribute filter does not
    /// apply to them.) Keeps no state.
    /// </summary>
    public Decision SaOriginate(in SaEvent e, long now)
    {
        var b = Enter(now, Tables.Sas);
        var t = b.Table;
        if (e.Source.IsNone || !WellFormed(e.Source, e.Group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        int pi = t.FindMsdpPeer(e.Peer);
        if (pi < 0) return Deny(b, DenyReason.UnknownPeer, RuleRef.None);
        RuleRef rule;
        if (t.GroupRange is { } range && !range.Permits(e.Group, e.Source, Address.None, out rule)) return Deny(b, DenyReason.GroupRange, rule);
        var permit = RuleRef.None;
        if (t.MsdpRedistribute is { } redistribute)
        {
            if (!redistribute.Permits(e.Group, e.Source, Address.None, out rule)) return Deny(b, DenyReason.SaRedistribute, rule);
            permit = rule;
        }
        if (t.MsdpPeers[pi].FilterOut is { } filter)
        {
            return filter.Permits(e.Group, e.Source, Address.None, out rule)
                ? Admit(b, DecisionFlags.None, rule)
                : Deny(b, DenyReason.SaFilterOut, rule);
        }
        return Admit(b, DecisionFlags.None, permit);
    }

    /// <summary>The MSDP session to a peer went down: every SA learned from it is removed. Returns how many.</summary>
    public int MsdpPeerDown(Address peer, long now)
    {
        var b = Enter(now, Tables.Sas);
        int removed = 0;
        for (int slot = 0; slot < _sas.HighWater; slot++)
        {
            if (!_sas.IsLive(slot) || _sas.Key(slot).Peer != peer) continue;
            RemoveSa(b, slot);
            removed++;
        }
        return removed;
    }

    private void RemoveSa(Binding b, int slot)
    {
        int pi = b.Table.FindMsdpPeer(_sas.Key(slot).Peer);
        if (pi >= 0) b.SaUsed[pi]--;
        _sas.Remove(slot);
    }
}
