using PolicyKit.Engine.Analysis;
using PolicyKit.Engine.Compiled;
using PolicyKit.Engine.Tests.Property;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Tests.Analysis;

/// <summary>
/// The region analysis decides as the engine does: on random policies (the property test's
/// generator, seeded), every region of <see cref="DecisionRegions"/> holds each point exactly
/// once, and the engine on an empty state gives every sampled point the region's verdict,
/// reason and deciding rule — joins on every interface, SAs from every peer, registers and
/// prefixes. Refusals by a limit are state, not structure; the sample leaves those out.
/// </summary>
public sealed class DecisionRegionsMatchEngineTests
{
    private const int Cases = 60;
    private const int PointsPerQuestion = 200;

    // A fresh engine per point (no state), so small tables: building one must cost little.
    private static readonly EngineOptions Small = new() { MembershipCapacity = 2, RouteCapacity = 2, OutputCapacity = 2, SaCapacity = 2, RegisterCapacity = 2, PrefixCapacity = 2, InterfaceCapacity = 1 };

    [Fact]
    public void Every_sampled_point_gets_the_decision_of_the_one_region_holding_it()
    {
        int compared = 0, denied = 0;
        var reasons = new HashSet<DenyReason>();
        for (int seed = 1; seed <= Cases; seed++)
        {
            var random = new Random(seed);
            string policy = Draw(random);
            var table = CompiledTable.Build(EnginePolicy.Compile(policy).Table);
            foreach (var family in new[] { AddressFamily.V4, AddressFamily.V6 })
            {
                foreach (var iface in RandomPolicy.Interfaces)
                {
                    var regions = DecisionRegions.Joins(table, iface, family);
                    for (int i = 0; i < PointsPerQuestion; i++)
                    {
                        var (source, group, host) = (Source(random, family, allowNone: true), Group(random, family), Host(random, family));
                        var engine = new AdmissionEngine(table, Small);
                        var d = engine.Join(new JoinEvent(engine.Interface(iface), group, source, host, (byte)(family == AddressFamily.V4 ? 3 : 2)), 0);
                        // A join without a host is matched as host 0 by no rule with 'from'; the regions' host axis holds 0 too.
                        Compare(seed, policy, $"join {iface} {group} source {source} from {host}", regions, [source.IsNone ? 0 : source.Value, group.Value, host.IsNone ? 0 : host.Value], d, table, reasons, ref compared, ref denied);
                    }
                }
                foreach (var peer in RandomPolicy.MsdpPeers.Select(Address.Parse))
                {
                    if (peer.Family != family) continue;
                    var received = DecisionRegions.SasReceived(table, peer);
                    var forwarded = DecisionRegions.SasForwarded(table, peer);
                    for (int i = 0; i < PointsPerQuestion; i++)
                    {
                        var (source, group) = (Source(random, family, allowNone: false), Group(random, family));
                        var e = new SaEvent(peer, source, group, Address.Parse("192.0.2.100"));
                        Compare(seed, policy, $"sa {peer} {source} {group}", received, [source.Value, group.Value], new AdmissionEngine(table, Small).SaReceived(e, 0), table, reasons, ref compared, ref denied);
                        Compare(seed, policy, $"sa-out {peer} {source} {group}", forwarded, [source.Value, group.Value], new AdmissionEngine(table, Small).SaForward(e, 0), table, reasons, ref compared, ref denied);
                    }
                }
                var registers = DecisionRegions.Registers(table, family);
                for (int i = 0; i < PointsPerQuestion; i++)
                {
                    var (source, group) = (Source(random, family, allowNone: false), Group(random, family));
                    Compare(seed, policy, $"register {source} {group}", registers, [source.Value, group.Value], new AdmissionEngine(table, Small).Register(new RegisterEvent(source, group), 0), table, reasons, ref compared, ref denied);
                }
            }
            foreach (var peer in RandomPolicy.BgpPeers.Select(Address.Parse))
            {
                var regions = DecisionRegions.Prefixes(table, peer);
                for (int i = 0; i < PointsPerQuestion; i++)
                {
                    var (network, length) = Prefix(random, peer.Family);
                    var d = new AdmissionEngine(table, Small).PrefixAnnounced(new PrefixEvent(peer, network, (byte)length), 0);
                    Compare(seed, policy, $"prefix {peer} {network}/{length}", regions, [network.Value, (UInt128)length], d, table, reasons, ref compared, ref denied);
                }
            }
        }
        Assert.True(compared > Cases * 2000, $"only {compared} points compared");
        Assert.True(denied > compared / 10, $"only {denied} of {compared} points denied: the sample proves little");
        foreach (var reason in new[] { DenyReason.GroupRange, DenyReason.SsmRangeNeedsSource, DenyReason.AccessFilter, DenyReason.SaFilterIn, DenyReason.SaFilterOut, DenyReason.AcceptRegister, DenyReason.PrefixFilter, DenyReason.UnknownPeer })
            Assert.True(reasons.Contains(reason), $"no sampled point was denied for {Decision.ReasonText(reason)}");
    }

    [Fact]
    public void Regions_cover_the_space_exactly_once()
    {
        for (int seed = 1; seed <= 40; seed++)
        {
            var random = new Random(seed);
            var table = CompiledTable.Build(EnginePolicy.Compile(Draw(random)).Table);
            foreach (var iface in RandomPolicy.Interfaces)
            {
                var regions = DecisionRegions.Joins(table, iface, AddressFamily.V4);
                for (int i = 0; i < 500; i++)
                {
                    UInt128[] point = [Source(random, AddressFamily.V4, true) is { IsNone: false } s ? s.Value : 0, Group(random, AddressFamily.V4).Value, Host(random, AddressFamily.V4).Value];
                    Assert.Equal(1, regions.Count(r => r.Region.Contains(point)));
                }
            }
        }
    }

    private static void Compare(int seed, string policy, string what, List<DecidedRegion> regions, UInt128[] point, Decision d, CompiledTable table,
        HashSet<DenyReason> reasons, ref int compared, ref int denied)
    {
        if (d.Reason is DenyReason.InterfaceLimit or DenyReason.RouterLimit or DenyReason.RouteLimit or DenyReason.StateLimit or DenyReason.SaLimit or DenyReason.MaxPrefix or DenyReason.RegisterRate) return;
        var holding = regions.Where(r => r.Region.Contains(point)).ToList();
        Assert.True(holding.Count == 1, $"seed {seed}: {what} lies in {holding.Count} regions\n{policy}");
        var want = holding[0].Decision;
        bool same = want.Verdict == d.Verdict && want.Reason == d.Reason && (d.IsAdmit || table.LocationOf(want.Rule) == d.Location);
        Assert.True(same, $"seed {seed}: {what}\nengine:  {d.Verdict} {Decision.ReasonText(d.Reason)} at {d.LocationText}\nregions: {want.Verdict} {Decision.ReasonText(want.Reason)} at {table.LocationText(table.LocationOf(want.Rule))}\n{policy}");
        compared++;
        if (!d.IsAdmit)
        {
            denied++;
            reasons.Add(d.Reason);
        }
    }

    private static string Draw(Random random)
    {
        while (true)
        {
            string text = new RandomPolicy(random).Generate();
            try
            {
                if (!EnginePolicy.Check(text).HasErrors) return text;
            }
            catch (InvalidOperationException)
            {
                // A checker crash is reported by the engine's property test; draw another policy.
            }
        }
    }

    // Around the generator's pools (RandomPolicy), with neighbours outside them.
    private static Address Group(Random r, AddressFamily family) => family == AddressFamily.V4
        ? Address.Parse(r.Next(5) switch { 0 => $"232.1.1.{r.Next(10)}", 1 => $"239.1.1.{r.Next(10)}", 2 => $"232.1.0.{r.Next(256)}", 3 => $"224.0.0.{r.Next(3)}", _ => $"{r.Next(224, 240)}.{r.Next(256)}.1.{r.Next(10)}" })
        : Address.Parse(r.Next(3) switch { 0 => $"ff3e::1:{r.Next(10)}", 1 => $"ff15::1:{r.Next(10)}", _ => $"ff0{r.Next(10)}::{r.Next(10)}" });

    private static Address Source(Random r, AddressFamily family, bool allowNone)
    {
        if (allowNone && r.Next(4) == 0) return Address.None;
        return family == AddressFamily.V4
            ? Address.Parse(r.Next(3) switch { 0 => $"10.0.0.{r.Next(10)}", 1 => $"10.0.1.{r.Next(6)}", _ => $"10.{r.Next(3)}.{r.Next(3)}.{r.Next(256)}" })
            : Address.Parse($"2001:db8::{r.Next(10)}");
    }

    private static Address Host(Random r, AddressFamily family)
    {
        if (r.Next(5) == 0) return Address.None;
        return family == AddressFamily.V4 ? Address.Parse($"192.168.0.{r.Next(10)}") : Address.Parse($"2001:db8:ff::{r.Next(6)}");
    }

    private static (Address Network, int Length) Prefix(Random r, AddressFamily family)
    {
        string[] pool = family == AddressFamily.V4
            ? ["203.0.113.0", "203.0.113.128", "198.18.0.0", "198.19.0.0", "10.0.0.0", "10.1.0.0", "10.1.2.0", "192.0.2.0"]
            : ["2001:db8::", "2001:db8:1::", "2001:db9::"];
        var network = Address.Parse(pool[r.Next(pool.Length)]);
        int bits = network.Family == AddressFamily.V4 ? 32 : 128;
        int length = r.Next(4) == 0 ? r.Next(bits + 1) : r.Next(7, Math.Min(bits, 56) + 1);
        UInt128 mask = length == 0 ? 0 : ~((UInt128.One << (bits - length)) - 1) & (bits == 32 ? uint.MaxValue : UInt128.MaxValue);
        return (new Address(network.Family, network.Value & mask), length);
    }
}
