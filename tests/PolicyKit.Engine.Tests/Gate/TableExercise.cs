using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Tests.Gate;

/// <summary>
/// Drives an engine through every kind of event over whatever a table holds — joins and leaves
/// on each interface in both families (ASM and SSM, from a host), states with outputs, MSDP SAs
/// from each peer, registers, BGP prefixes from each peer, peer-downs, time passing — and swaps
/// the table in mid-way. For the fuzz tests and the campaign in bench/ (which links this file):
/// any table the reader accepts must survive it without an exception.
/// </summary>
public static class TableExercise
{
    private static readonly Address[] Groups4 = [Address.Parse("232.1.1.1"), Address.Parse("239.255.255.254"), Address.Parse("224.0.1.39")];
    private static readonly Address[] Groups6 = [Address.Parse("ff3e::1"), Address.Parse("ff05::1:3")];
    private static readonly Address Source4 = Address.Parse("198.51.100.7");
    private static readonly Address Source6 = Address.Parse("2001:db8::7");
    private static readonly Address Host4 = Address.Parse("10.4.4.4");
    private static readonly Address Host6 = Address.Parse("fe80::4");

    /// <summary>Runs the events; returns how many decisions were made (so callers can check something happened).</summary>
    public static int Run(CompiledTable table, CompiledTable? next = null)
    {
        var engine = new AdmissionEngine(table, new EngineOptions());
        long now = TimeSpan.TicksPerSecond;
        int decisions = 0;
        var names = table.Interfaces.Select(i => i.Name).Append("not-in-the-table").ToList();
        for (int round = 0; round < 2; round++)
        {
            foreach (string name in names)
            {
                var id = engine.Interface(name);
                foreach (var g in Groups4)
                {
                    engine.Join(new JoinEvent(id, g, Address.None, Host4, 2), now);
                    engine.Join(new JoinEvent(id, g, Source4, Host4, 3), now);
                    decisions += 2;
                }
                foreach (var g in Groups6)
                {
                    engine.Join(new JoinEvent(id, g, Source6, Host6, 2), now);
                    decisions++;
                }
                engine.CreateState(new StateEvent(Source4, Groups4[0], id, Connected: true), now);
                engine.AddOutput(new OutputEvent(Source4, Groups4[0], id), now);
                engine.CreateState(new StateEvent(Address.None, Groups4[1], id, Connected: false), now);
                engine.CreateState(new StateEvent(Source6, Groups6[0], id, Connected: false), now);
                decisions += 4;
            }
            foreach (var peer in table.MsdpPeers)
            {
                engine.SaReceived(new SaEvent(peer.Address, Source4, Groups4[0], Source4), now);
                engine.SaForward(new SaEvent(peer.Address, Source6, Groups6[0], Source6), now);
                decisions += 2;
            }
            engine.Register(new RegisterEvent(Source4, Groups4[0]), now);
            engine.Register(new RegisterEvent(Source6, Groups6[0]), now);
            decisions += 2;
            foreach (var peer in table.BgpPeers)
            {
                var network = peer.Address.Family == AddressFamily.V4 ? Address.Parse("203.0.113.0") : Address.Parse("2001:db8:1::");
                engine.PrefixAnnounced(new PrefixEvent(peer.Address, network, (byte)(peer.Address.Family == AddressFamily.V4 ? 24 : 48)), now);
                engine.PrefixAnnounced(new PrefixEvent(peer.Address, network, 0), now);
                engine.PrefixWithdrawn(new PrefixEvent(peer.Address, network, (byte)(peer.Address.Family == AddressFamily.V4 ? 24 : 48)), now);
                decisions += 3;
            }
            _ = engine.Usage();
            now += TimeSpan.TicksPerMinute * 10;
            engine.Advance(now);
            foreach (string name in names)
            {
                var id = engine.Interface(name);
                engine.Leave(new LeaveEvent(id, Groups4[0], Source4), now);
                engine.RemoveOutput(new OutputEvent(Source4, Groups4[0], id), now);
            }
            engine.DeleteState(Source4, Groups4[0], now);
            foreach (var peer in table.MsdpPeers) engine.MsdpPeerDown(peer.Address, now);
            foreach (var peer in table.BgpPeers) engine.BgpPeerDown(peer.Address, now);
            if (next is not null) engine.Load(next);
        }
        _ = engine.Usage();
        return decisions;
    }
}
