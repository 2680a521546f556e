using static PolicyKit.Engine.Tests.EnginePolicy;

namespace PolicyKit.Engine.Tests.Rules;

/// <summary>Steady-state decisions allocate nothing (measured like Tomlyn's allocation tests: bytes allocated on this thread).</summary>
public sealed class AllocationTests
{
    private const string Policy = """
        groups guide { 239.255.255.254; }
        groups tv { 232.10.0.0/16; }
        sources headend { 198.51.100.0/26; }
        class sd { match groups tv; cost 4Mbps; }
        filter joins { permit groups guide; permit sources headend groups tv; deny from 10.9.9.9; permit groups 239.0.0.0/8; }
        filter sa { deny groups 239.0.0.0/8; permit any; }
        prefixes bogons { 10.0.0.0/8 le 32; }
        filter pf { deny prefixes bogons; permit any; }
        device r1 platform ios-xe {
            mroute-limit 100000 warn 90000;
            igmp limit 100000 except guide;
            group-range deny groups 233.252.0.0/14;
            rp { accept-register sources headend; }
            pim { register-rate-limit 100; }
            msdp { peer 192.0.2.1 as 64501 { sa-filter both sa; sa-limit 100000; auth md5 secret env("M"); } }
            bgp as 64500 { neighbor 198.51.100.1 as 64501 { max-prefix 100000 warn 90%; prefix-filter in pf; auth md5 secret env("B"); } }
            interface "eth1" { igmp { version >= 2; access joins; limit 1000 except guide; } state-limit out 1Gbps groups tv classes sd; }
            interface "up" { state-limit rpf 100000; }
        }
        """;

    [Fact]
    public void Decisions_of_every_kind_allocate_nothing_in_steady_state()
    {
        var engine = NewEngine(Policy, options: new EngineOptions { MembershipCapacity = 1 << 12, RouteCapacity = 1 << 12, OutputCapacity = 1 << 12, SaCapacity = 1 << 12, PrefixCapacity = 1 << 12, RegisterCapacity = 1 << 12 });
        var eth1 = engine.Interface("eth1");
        var up = engine.Interface("up");
        var source = A("198.51.100.7");
        var groups = Enumerable.Range(0, 256).Select(i => A(EngineCalls.Nth("232.10.0.0", i))).ToArray();
        var asm = Enumerable.Range(0, 256).Select(i => A(EngineCalls.Nth("239.1.0.0", i))).ToArray();
        var hostBad = A("10.9.9.9");
        var peer = A("192.0.2.1");
        var bgpPeer = A("198.51.100.1");
        var prefixes = Enumerable.Range(0, 256).Select(i => A(EngineCalls.Nth("203.0.0.0", i << 8))).ToArray();
        long now = 0;

        void Round()
        {
            for (int i = 0; i < groups.Length; i++)
            {
                now += 1000;
                engine.Join(new JoinEvent(eth1, groups[i], source, Address.None, 3), now);
                engine.Join(new JoinEvent(eth1, asm[i], Address.None, hostBad, 3), now);
                engine.Join(new JoinEvent(eth1, asm[i], Address.None, Address.None, 3), now);
                engine.Join(new JoinEvent(eth1, asm[i], Address.None, Address.None, 1), now);
                engine.CreateState(new StateEvent(source, groups[i], up, false), now);
                engine.AddOutput(new OutputEvent(source, groups[i], eth1), now);
                engine.SaReceived(new SaEvent(peer, source, groups[i], peer), now);
                engine.SaForward(new SaEvent(peer, source, asm[i], peer), now);
                engine.Register(new RegisterEvent(source, groups[i]), now);
                engine.PrefixAnnounced(new PrefixEvent(bgpPeer, prefixes[i], 24), now);
                if ((i & 3) == 0)
                {
                    engine.Leave(new LeaveEvent(eth1, asm[i], Address.None), now);
                    engine.RemoveOutput(new OutputEvent(source, groups[i], eth1), now);
                    engine.DeleteState(source, groups[i], now);
                    engine.PrefixWithdrawn(new PrefixEvent(bgpPeer, prefixes[i], 24), now);
                }
            }
        }

        Assert.Equal(0, AllocationMeter.SteadyState(Round));
        Assert.True(engine.MembershipEntries > 0);
    }

    [Fact]
    public void Expiry_in_steady_state_allocates_nothing()
    {
        var engine = NewEngine(Policy, options: new EngineOptions { MembershipTimeout = TimeSpan.FromMilliseconds(10), MembershipCapacity = 1 << 12 });
        var eth1 = engine.Interface("eth1");
        var groups = Enumerable.Range(0, 512).Select(i => A(EngineCalls.Nth("239.2.0.0", i))).ToArray();
        long now = 0;
        void Round()
        {
            foreach (var g in groups)
            {
                now += TimeSpan.TicksPerMillisecond;
                engine.Join(new JoinEvent(eth1, g, Address.None, Address.None, 3), now);
            }
        }
        Assert.Equal(0, AllocationMeter.SteadyState(Round));
        Assert.InRange(engine.MembershipEntries, 1, 11);
    }

    [Fact]
    public void The_meter_sees_an_allocation_in_every_round_and_ignores_one_in_the_first_rounds_only()
    {
        object? keep = null;
        Assert.True(AllocationMeter.SteadyState(() => keep = new byte[24]) >= 20 * 24);
        int calls = 0;
        Assert.Equal(0, AllocationMeter.SteadyState(() => { if (calls++ < 3) keep = new byte[24]; }));
        GC.KeepAlive(keep);
    }
}
