using System.Globalization;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Tests.Property;

internal enum EventKind
{
    Join,
    Leave,
    State,
    AddOutput,
    RemoveOutput,
    DeleteState,
    Sa,
    SaOut,
    SaOriginate,
    Register,
    Prefix,
    Withdraw,
    PeerDown,
    Wait,
    Swap,
}

/// <summary>One generated event, with the time it happens at.</summary>
internal sealed record TestEvent(EventKind Kind, long Time, string Interface = "", Address Group = default, Address Source = default,
    Address Host = default, int Version = 0, bool Connected = false, Address Peer = default, int Length = 0)
{
    public override string ToString()
    {
        string src = Source.IsNone ? "*" : Source.ToString();
        string at = $"@{(Time / (double)TimeSpan.TicksPerSecond).ToString("0.###", CultureInfo.InvariantCulture)}s ";
        return at + Kind switch
        {
            EventKind.Join => $"join {Interface} {Group}{(Source.IsNone ? "" : $" source {Source}")}{(Host.IsNone ? "" : $" from {Host}")} version {Version}",
            EventKind.Leave => $"leave {Interface} {Group}{(Source.IsNone ? "" : $" source {Source}")}",
            EventKind.State => $"state {src} {Group} rpf {Interface}{(Connected ? " connected" : "")}",
            EventKind.AddOutput => $"output {src} {Group} {Interface}",
            EventKind.RemoveOutput => $"prune {src} {Group} {Interface}",
            EventKind.DeleteState => $"prune {src} {Group}",
            EventKind.Sa => $"sa {Peer} {Source} {Group} 192.0.2.100",
            EventKind.SaOut => $"sa-out {Peer} {Source} {Group} 192.0.2.100",
            EventKind.SaOriginate => $"sa-originate {Peer} {Source} {Group}",
            EventKind.Register => $"register {Source} {Group}",
            EventKind.Prefix => $"prefix {Peer} {Group}/{Length}",
            EventKind.Withdraw => $"withdraw {Peer} {Group}/{Length}",
            EventKind.PeerDown => $"peer-down {Peer}",
            EventKind.Wait => "wait",
            _ => "swap tables",
        };
    }
}

/// <summary>Random event sequences over the same small pools as <see cref="RandomPolicy"/>, biased towards entries that exist (so leaves, refreshes and outputs hit).</summary>
internal sealed class RandomEvents(Random random)
{
    private readonly List<TestEvent> _joins = [];
    private readonly List<TestEvent> _states = [];
    private readonly List<TestEvent> _prefixes = [];
    private long _now = TimeSpan.TicksPerSecond;

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private Address Group(AddressFamily family) => family == AddressFamily.V4
        ? Address.Parse(Chance(0.5) ? $"232.1.1.{random.Next(8)}" : $"239.1.1.{random.Next(8)}")
        : Address.Parse(Chance(0.5) ? $"ff3e::1:{random.Next(8)}" : $"ff15::1:{random.Next(8)}");

    private Address Source(AddressFamily family) => family == AddressFamily.V4
        ? Address.Parse(Chance(0.6) ? $"10.0.0.{random.Next(8)}" : $"10.0.1.{random.Next(4)}")
        : Address.Parse($"2001:db8::{random.Next(8)}");

    private Address Host(AddressFamily family) => family == AddressFamily.V4
        ? Address.Parse($"192.168.0.{random.Next(8)}")
        : Address.Parse($"2001:db8:ff::{random.Next(4)}");

    public TestEvent Next()
    {
        // Time moves on a little between events (token buckets), sometimes a lot (timeouts).
        _now += random.Next(100) < 3 ? random.Next(1, 30) * TimeSpan.TicksPerSecond : random.Next(0, 60) * TimeSpan.TicksPerMillisecond;
        var family = Chance(0.85) ? AddressFamily.V4 : AddressFamily.V6;
        int roll = random.Next(1000);
        switch (roll)
        {
            case < 330:
            {
                if (_joins.Count > 0 && Chance(0.3)) return Remember(_joins, Pick(_joins) with { Time = _now, Host = Chance(0.5) ? Address.None : Host(Pick(_joins).Group.Family) });
                var group = Group(family);
                bool ssm = Chance(0.5);
                int newest = family == AddressFamily.V4 ? 3 : 2;
                return Remember(_joins, new TestEvent(EventKind.Join, _now, Pick(RandomPolicy.Interfaces), group,
                    ssm ? Source(family) : Address.None, Chance(0.5) ? Address.None : Host(family), ssm ? newest : random.Next(1, newest + 1)));
            }
            case < 430:
            {
                var join = _joins.Count > 0 && Chance(0.7) ? Pick(_joins) : new TestEvent(EventKind.Join, _now, Pick(RandomPolicy.Interfaces), Group(family), Chance(0.5) ? Source(family) : Address.None);
                return new TestEvent(EventKind.Leave, _now, join.Interface, join.Group, join.Source);
            }
            case < 560:
            {
                if (_states.Count > 0 && Chance(0.2)) return Pick(_states) with { Time = _now };
                return Remember(_states, new TestEvent(EventKind.State, _now, Pick(RandomPolicy.Interfaces), Group(family), Chance(0.3) ? Address.None : Source(family), Connected: Chance(0.3)));
            }
            case < 680:
            {
                var state = _states.Count > 0 && Chance(0.8) ? Pick(_states) : new TestEvent(EventKind.State, _now, "", Group(family), Source(family));
                return new TestEvent(EventKind.AddOutput, _now, Pick(RandomPolicy.Interfaces), state.Group, state.Source);
            }
            case < 710:
            {
                var state = _states.Count > 0 ? Pick(_states) : new TestEvent(EventKind.State, _now, "", Group(family), Source(family));
                return new TestEvent(EventKind.RemoveOutput, _now, Pick(RandomPolicy.Interfaces), state.Group, state.Source);
            }
            case < 740:
            {
                var state = _states.Count > 0 ? Pick(_states) : new TestEvent(EventKind.State, _now, "", Group(family), Source(family));
                return new TestEvent(EventKind.DeleteState, _now, "", state.Group, state.Source);
            }
            case < 820:
                return new TestEvent(Chance(0.7) ? EventKind.Sa : Chance(0.5) ? EventKind.SaOut : EventKind.SaOriginate, _now, Group: Group(AddressFamily.V4), Source: Source(AddressFamily.V4), Peer: Address.Parse(Pick(RandomPolicy.MsdpPeers)));
            case < 890:
            {
                // Registers concentrate on few (S,G) so the token buckets run dry.
                var source = family == AddressFamily.V4 && Chance(0.6) ? Address.Parse("10.0.0.1") : Source(family);
                var group = family == AddressFamily.V4 && Chance(0.6) ? Address.Parse("239.1.1.1") : Group(family);
                return new TestEvent(EventKind.Register, _now, Group: group, Source: source);
            }
            case < 960:
            {
                if (_prefixes.Count > 0 && Chance(0.3))
                {
                    var old = Pick(_prefixes);
                    return Chance(0.4) ? old with { Kind = EventKind.Withdraw, Time = _now } : old with { Time = _now };
                }
                string[] pool = ["203.0.113.0/24", "203.0.113.0/25", "203.0.113.128/25", "203.0.113.0/26", "198.18.0.0/15", "198.19.0.0/16", "10.0.0.0/8",
                                 "10.1.0.0/16", "10.1.2.0/24", "2001:db8::/32", "2001:db8:1::/48", "2001:db8::/40", "192.0.2.0/24"];
                var p = Pick(pool).Split('/');
                return Remember(_prefixes, new TestEvent(EventKind.Prefix, _now, Group: Address.Parse(p[0]), Peer: Address.Parse(Pick(RandomPolicy.BgpPeers)), Length: int.Parse(p[1], CultureInfo.InvariantCulture)));
            }
            case < 965:
                return new TestEvent(EventKind.PeerDown, _now, Peer: Address.Parse(Chance(0.5) ? Pick(RandomPolicy.BgpPeers) : Pick(RandomPolicy.MsdpPeers)));
            case < 990:
                _now += random.Next(1, 25) * TimeSpan.TicksPerSecond;
                return new TestEvent(EventKind.Wait, _now);
            default:
                return new TestEvent(EventKind.Swap, _now);
        }
    }

    private TestEvent Remember(List<TestEvent> list, TestEvent e)
    {
        if (list.Count < 64) list.Add(e);
        else list[random.Next(list.Count)] = e;
        return e;
    }
}
