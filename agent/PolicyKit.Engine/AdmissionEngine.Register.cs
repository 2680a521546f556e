using PolicyKit.Engine.State;

namespace PolicyKit.Engine;

/// <summary>PIM registers: <c>ip pim accept-register</c> at the RP, <c>ip pim register-rate-limit</c> at the DR.</summary>
public sealed partial class AdmissionEngine
{
    /// <summary>
    /// A PIM Register for (S,G) handled by this device. Checks, in order:
    /// <list type="number">
    /// <item><c>ip multicast group-range</c>.</item>
    /// <item><c>ip pim accept-register list ACL</c> (RP role, when the device has it) — first match over (S,G);
    /// a refused register is answered with a Register-Stop.</item>
    /// <item><c>ip pim register-rate-limit N</c> (DR role, when configured) — a token bucket per (S,G) holding
    /// N tokens, refilled continuously at N per second; a new (S,G) starts full; each admitted register
    /// takes one token, and with none left the register is refused. A bucket that has refilled
    /// completely is forgotten (it is the same as a new one).</item>
    /// </list>
    /// </summary>
    public Decision Register(in RegisterEvent e, long now)
    {
        var b = Enter(now, Tables.Buckets);
        var t = b.Table;
        if (e.Source.IsNone || !WellFormed(e.Source, e.Group)) return Deny(b, DenyReason.InvalidEvent, RuleRef.None);
        RuleRef rule;
        if (t.GroupRange is { } range && !range.Permits(e.Group, e.Source, Address.None, out rule)) return Deny(b, DenyReason.GroupRange, rule);
        var permit = RuleRef.None;
        if (t.AcceptRegister is { } accept)
        {
            if (!accept.Permits(e.Group, e.Source, Address.None, out rule)) return Deny(b, DenyReason.AcceptRegister, rule);
            permit = rule;
        }
        long rate = t.RegisterRate;
        if (rate < 0) return Admit(b, DecisionFlags.None, permit);

        var rateRef = new RuleRef(RuleKind.RegisterRate, -1, -1);
        long full = rate * TicksPerSecond;
        var key = new RouteKey(e.Source.Value, e.Group.Value, e.Group.Family, true);
        int slot = _buckets.Find(key);
        long tokens = full;
        if (slot >= 0)
        {
            var bucket = _buckets.Value(slot);
            long elapsed = Math.Min(_now - bucket.Refilled, TicksPerSecond);
            tokens = Math.Min(full, bucket.Tokens + elapsed * rate);
        }
        bool admitted = tokens >= TicksPerSecond;
        if (admitted) tokens -= TicksPerSecond;

        // Forget the bucket when it has refilled completely.
        long refill = full - tokens;
        long expiry = refill <= 0 ? _now : _now + (refill + rate - 1) / rate;
        var state = new Bucket { Tokens = tokens, Refilled = _now };
        if (slot >= 0)
        {
            _buckets.Value(slot) = state;
            _buckets.SetExpiry(slot, expiry);
        }
        else
        {
            _buckets.Add(key, state, expiry);
        }

        long used = rate - tokens / TicksPerSecond;
        return admitted
            ? Admit(b, DecisionFlags.None, permit.IsNone ? rateRef : permit, rateRef, used, rate)
            : Deny(b, DenyReason.RegisterRate, rateRef, used, rate, ruleIsLimit: true);
    }
}
