using static PolicyKit.Engine.Tests.EnginePolicy;

namespace PolicyKit.Engine.Tests.Rules;

/// <summary>MSDP SA filters and limits, register rate limit and accept-register, BGP max-prefix.</summary>
public sealed class MsdpRegisterBgpTests
{
    private const string MsdpPolicy = """
        filter sa-in  { deny sources 10.0.0.0/8; deny groups 239.0.0.0/8; permit any; }
        filter sa-out { deny groups 224.0.1.0/24; permit any; }
        device r1 platform ios-xe {
            msdp {
                peer 192.0.2.1 as 64501 { sa-filter in sa-in; sa-filter out sa-out; sa-limit 2; auth md5 secret env("K1"); }
                peer 192.0.2.2 as 64502 { sa-filter both sa-in; auth md5 secret env("K2"); }
            }
        }
        """;

    [Fact]
    public void Sa_filter_in_decides_first_then_the_per_peer_sa_limit()
    {
        var engine = NewEngine(MsdpPolicy);
        var d = engine.Sa("192.0.2.1", "10.1.1.1", "233.1.1.1");
        Assert.Equal(DenyReason.SaFilterIn, d.Reason);
        Assert.Equal(ColumnOf(MsdpPolicy, "deny sources 10.0.0.0/8"), d.LocationText);
        Assert.True(engine.Sa("192.0.2.1", "198.51.100.1", "233.1.1.1").IsAdmit);
        Assert.True(engine.Sa("192.0.2.1", "198.51.100.1", "233.1.1.2").IsAdmit);
        d = engine.Sa("192.0.2.1", "198.51.100.1", "233.1.1.3");
        Assert.Equal((DenyReason.SaLimit, 2L, 2L), (d.Reason, d.Used, d.Max));
        Assert.Equal(ColumnOf(MsdpPolicy, "peer 192.0.2.1"), d.LocationText);
        // Refresh of a cached SA is admitted; the other peer has its own (no) limit.
        Assert.True(engine.Sa("192.0.2.1", "198.51.100.1", "233.1.1.1").Has(DecisionFlags.Refresh));
        for (int i = 0; i < 5; i++) Assert.True(engine.Sa("192.0.2.2", "198.51.100.1", EngineCalls.Nth("233.1.2.0", i)).IsAdmit);
        Assert.Equal(DenyReason.UnknownPeer, engine.Sa("192.0.2.9", "198.51.100.1", "233.1.1.1").Reason);
    }

    [Fact]
    public void Sa_out_filter_decides_what_is_sent_to_a_peer()
    {
        var engine = NewEngine(MsdpPolicy);
        var e = new SaEvent(A("192.0.2.1"), A("198.51.100.1"), A("224.0.1.39"), A("192.0.2.100"));
        Assert.Equal(DenyReason.SaFilterOut, engine.SaForward(e, 0).Reason);
        Assert.True(engine.SaForward(e with { Group = A("233.1.1.1") }, 0).IsAdmit);
    }

    [Fact]
    public void Sa_entries_expire_and_free_the_limit()
    {
        var engine = NewEngine(MsdpPolicy, options: new EngineOptions { SaTimeout = TimeSpan.FromMinutes(6) });
        Assert.True(engine.Sa("192.0.2.1", "198.51.100.1", "233.1.1.1", now: S(0)).IsAdmit);
        Assert.True(engine.Sa("192.0.2.1", "198.51.100.1", "233.1.1.2", now: S(60)).IsAdmit);
        Assert.Equal(DenyReason.SaLimit, engine.Sa("192.0.2.1", "198.51.100.1", "233.1.1.3", now: S(359)).Reason);
        Assert.True(engine.Sa("192.0.2.1", "198.51.100.1", "233.1.1.3", now: S(360)).IsAdmit);
        Assert.Equal(2, engine.SaCount(A("192.0.2.1")));
        Assert.Equal(2, engine.MsdpPeerDown(A("192.0.2.1"), S(361)));
        Assert.Equal(0, engine.SaCount(A("192.0.2.1")));
    }

    private const string RegisterPolicy = """
        sources encoders { 10.8.0.0/24; }
        groups corp { 239.8.0.0/16; }
        device r1 platform ios-xe {
            rp { address 192.0.2.9 groups corp; accept-register sources encoders groups corp; }
            pim { register-rate-limit 10; }
        }
        """;

    [Fact]
    public void Accept_register_refuses_other_sources()
    {
        var engine = NewEngine(RegisterPolicy);
        var d = engine.Register("10.9.0.1", "239.8.1.1");
        Assert.Equal(DenyReason.AcceptRegister, d.Reason);
        Assert.Equal(RuleKind.FilterDefault, d.Rule.Kind);
        Assert.Equal(DenyReason.AcceptRegister, engine.Register("10.8.0.1", "239.9.1.1").Reason);
        Assert.True(engine.Register("10.8.0.1", "239.8.1.1").IsAdmit);
    }

    [Fact]
    public void Register_rate_limit_is_a_token_bucket_per_source_and_group()
    {
        var engine = NewEngine(RegisterPolicy);
        for (int i = 0; i < 10; i++) Assert.True(engine.Register("10.8.0.1", "239.8.1.1", now: S(1)).IsAdmit, $"register {i + 1}");
        var d = engine.Register("10.8.0.1", "239.8.1.1", now: S(1));
        Assert.Equal((DenyReason.RegisterRate, 10L, 10L), (d.Reason, d.Used, d.Max));
        Assert.Equal(ColumnOf(RegisterPolicy, "register-rate-limit"), d.LocationText);
        // Another (S,G) has its own bucket.
        Assert.True(engine.Register("10.8.0.2", "239.8.1.1", now: S(1)).IsAdmit);
        // 10 per second: one token back after 100 ms, not before.
        Assert.Equal(DenyReason.RegisterRate, engine.Register("10.8.0.1", "239.8.1.1", now: S(1.099)).Reason);
        Assert.True(engine.Register("10.8.0.1", "239.8.1.1", now: S(1.1)).IsAdmit);
        Assert.Equal(DenyReason.RegisterRate, engine.Register("10.8.0.1", "239.8.1.1", now: S(1.1)).Reason);
        // A full second refills the bucket completely (and the engine forgets it).
        engine.Advance(S(3));
        Assert.Equal(0, engine.RegisterBuckets);
        for (int i = 0; i < 10; i++) Assert.True(engine.Register("10.8.0.1", "239.8.1.1", now: S(3)).IsAdmit);
        Assert.False(engine.Register("10.8.0.1", "239.8.1.1", now: S(3)).IsAdmit);
    }

    private const string BgpPolicy = """
        prefixes bogons { 10.0.0.0/8 le 32; 192.168.0.0/16 le 32; }
        filter in-filter { deny prefixes bogons; permit any; }
        device r1 platform ios-xe {
            bgp as 64500 {
                neighbor 198.51.100.1 as 64501 { max-prefix 4 warn 50%; prefix-filter in in-filter; auth md5 secret env("B1"); }
                neighbor 198.51.100.2 as 64502 { max-prefix 2 warning-only; auth md5 secret env("B2"); }
            }
        }
        """;

    [Fact]
    public void Max_prefix_counts_accepted_prefixes_warns_above_the_threshold_and_refuses_the_one_over()
    {
        var engine = NewEngine(BgpPolicy);
        string peer = "198.51.100.1";
        var d = engine.Prefix(peer, "10.1.0.0/16");
        Assert.Equal(DenyReason.PrefixFilter, d.Reason);
        Assert.Equal(ColumnOf(BgpPolicy, "deny prefixes bogons"), d.LocationText);
        Assert.False(engine.Prefix(peer, "203.0.113.0/24").Has(DecisionFlags.Warning));
        Assert.False(engine.Prefix(peer, "203.0.114.0/24").Has(DecisionFlags.Warning));   // 2 = 50 % of 4: not above
        d = engine.Prefix(peer, "203.0.115.0/24");
        Assert.True(d.Has(DecisionFlags.Warning | DecisionFlags.WarningCrossed), d.ToString());
        Assert.True(engine.Prefix(peer, "203.0.116.0/24").IsAdmit);
        Assert.True(engine.Prefix(peer, "203.0.116.0/24").Has(DecisionFlags.Refresh));
        d = engine.Prefix(peer, "203.0.117.0/24");
        Assert.Equal((DenyReason.MaxPrefix, 4L, 4L), (d.Reason, d.Used, d.Max));
        Assert.True(engine.Withdraw(peer, "203.0.113.0/24").Has(DecisionFlags.Removed));
        Assert.True(engine.Prefix(peer, "203.0.117.0/24").IsAdmit);
        Assert.Equal(4, engine.PrefixCount(A(peer)));
        Assert.Equal(4, engine.BgpPeerDown(A(peer), 0));
        Assert.Equal(0, engine.PrefixCount(A(peer)));
    }

    [Fact]
    public void Warning_only_max_prefix_admits_over_the_limit_and_says_so()
    {
        var engine = NewEngine(BgpPolicy);
        Assert.True(engine.Prefix("198.51.100.2", "203.0.113.0/24").IsAdmit);
        Assert.True(engine.Prefix("198.51.100.2", "203.0.114.0/24").IsAdmit);
        var d = engine.Prefix("198.51.100.2", "203.0.115.0/24");
        Assert.True(d.IsAdmit);
        Assert.True(d.Has(DecisionFlags.OverLimit));
        Assert.Equal(3, d.Used);
    }

    [Fact]
    public void Prefixes_of_peers_the_policy_does_not_name_are_tracked_but_not_limited()
    {
        var engine = NewEngine(BgpPolicy);
        var d = engine.Prefix("198.51.100.99", "10.0.0.0/8");
        Assert.True(d.IsAdmit);
        Assert.True(d.Has(DecisionFlags.NoPolicy));
        Assert.Equal(1, engine.PrefixEntries);
    }

    [Fact]
    public void Prefix_filter_honours_the_length_range()
    {
        var engine = NewEngine("""
            prefixes ours { 203.0.113.0/24 le 25; }
            filter in-filter { permit prefixes ours; }
            device r1 platform ios-xe {
                bgp as 64500 { neighbor 198.51.100.1 as 64501 { max-prefix 4; prefix-filter in in-filter; auth md5 secret env("B1"); } }
            }
            """);
        Assert.True(engine.Prefix("198.51.100.1", "203.0.113.0/25").IsAdmit);
        Assert.Equal(DenyReason.PrefixFilter, engine.Prefix("198.51.100.1", "203.0.113.0/26").Reason);
        Assert.Equal(DenyReason.PrefixFilter, engine.Prefix("198.51.100.1", "203.0.112.0/24").Reason);
    }
}
