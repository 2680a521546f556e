using PolicyKit.Engine;
using PolicyKit.Nfqueue.Queue;
using PolicyKit.Packets;
using PolicyKit.Packets.Membership;
using PolicyKit.Tables.Model;

namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>
/// Decides a queued IGMP/MLD message. A report is decoded per group record; every membership
/// change it means (<see cref="MembershipDecoder"/>'s semantics: IS_EX/TO_EX → join (*,G),
/// IS_IN/ALLOW → join (S,G) per source, BLOCK → leave (S,G), TO_IN({}) and v2 leave/MLD done →
/// leave (*,G)) goes to the engine in packet order. Denied joins are removed from the report
/// (<see cref="ReportRewriter"/>, checksums recomputed): a report with allowed and denied records
/// goes on without the denied ones; one with nothing left is dropped. Leaves always pass and free
/// their entries. Link-local groups are not put to the engine and always kept. A query on an interface whose policy says <c>queries drop</c> is dropped; other
/// IGMP messages pass. A message that does not decode is dropped (or passed, by option) and reported.
/// </summary>
internal sealed class JoinEnforcer(AdmissionEngine engine, object engineLock, EnforcerCounters counters, bool dropMalformed)
{
    private const int StackMask = 512;
    private readonly QueryPolicy _queries = new();

    public HandlerResult Handle(in QueuedPacket packet, ResolvedInterface iface, Span<byte> rewrite, long now, OutcomeBuffer outcomes)
    {
        var status = MembershipDecoder.Decode(packet.Payload, out var m, DecodeOptions.SkipIpv4HeaderChecksum);
        if (status == DecodeStatus.NotMembership) return HandlerResult.Accept;
        if (status != DecodeStatus.Ok || !packet.IsComplete)
        {
            EnforcerCounters.Add(ref counters.MalformedCount);
            string why = status != DecodeStatus.Ok ? status.Describe() : $"cut to {packet.Payload.Length} of {packet.OriginalLength} bytes by the queue's copy range";
            outcomes.Problems.Add(new EnforcementProblem(iface.LinuxName, "malformed IGMP/MLD packet: " + why, dropMalformed));
            return dropMalformed ? HandlerResult.Drop : HandlerResult.Accept;
        }

        switch (m.Kind)
        {
            case MembershipKind.Query:
                return Query(m, iface, outcomes);
            case MembershipKind.Report:
            case MembershipKind.Leave:
            case MembershipKind.RecordReport:
                return Report(m, iface, rewrite, now, outcomes);
            default:
                // DVMRP, PIMv1, mtrace, router discovery: not membership; the table has nothing on them for the agent.
                return HandlerResult.Accept;
        }
    }

    private HandlerResult Query(in MembershipMessage m, ResolvedInterface iface, OutcomeBuffer outcomes)
    {
        EnforcerCounters.Add(ref counters.QueriesCount);
        var family = m.Family == IpFamily.V4 ? AddressFamily.V4 : AddressFamily.V6;
        bool drop = _queries.DropsQueries(engine.Table, iface.PolicyName, family);
        if (drop) EnforcerCounters.Add(ref counters.QueriesDroppedCount);
        outcomes.Queries.Add(new QueryOutcome(iface.LinuxName, iface.PolicyName, m.Source.ToEngine(), m.Group.ToEngine(), m.Version, drop));
        return drop ? HandlerResult.Drop : HandlerResult.Accept;
    }

    private HandlerResult Report(in MembershipMessage m, ResolvedInterface iface, Span<byte> rewrite, long now, OutcomeBuffer outcomes)
    {
        EnforcerCounters.Add(ref counters.ReportsCount);
        // Reports with more than 512 records and sources (jumbo frames) are rare: those allocate their mask.
        Span<bool> keep = m.MaskLength <= StackMask ? stackalloc bool[StackMask] : new bool[m.MaskLength];
        keep = keep[..m.MaskLength];
        keep.Fill(true);
        bool anyDenied = false;
        var host = m.Source.ToEngine();
        byte version = (byte)m.Version;

        lock (engineLock)
        {
            foreach (var change in m.Changes)
            {
                var group = change.Group.ToEngine();
                var source = change.Source.ToEngine();
                // Link-local groups (224.0.0.0/24, ff02::/16: all-routers, solicited-node, …) are never
                // routed and never counted, as routers do; a host needs them, so they always pass.
                if (Addresses.IsLinkLocalMulticast(group)) continue;
                Decision decision;
                if (change.Kind == ChangeKind.Join)
                {
                    decision = engine.Join(new JoinEvent(iface.Id, group, source, host, version), now);
                    if (decision.IsAdmit)
                    {
                        EnforcerCounters.Add(ref counters.JoinsAdmittedCount);
                    }
                    else
                    {
                        EnforcerCounters.Add(ref counters.JoinsDeniedCount);
                        keep[change.MaskIndex] = false;
                        anyDenied = true;
                    }
                }
                else
                {
                    decision = engine.Leave(new LeaveEvent(iface.Id, group, source), now);
                    EnforcerCounters.Add(ref counters.LeavesCount);
                }
                outcomes.Memberships.Add(new MembershipOutcome(iface.LinuxName, iface.PolicyName, change.Kind, group, source, host, version, decision));
            }
        }

        if (!anyDenied) return HandlerResult.Accept;
        var outcome = ReportRewriter.Rewrite(m, keep, rewrite, out int length);
        switch (outcome)
        {
            case RewriteOutcome.Unchanged:
                return HandlerResult.Accept;
            case RewriteOutcome.Rewritten:
                EnforcerCounters.Add(ref counters.ReportsRewrittenCount);
                return HandlerResult.Rewritten(length);
            default:
                EnforcerCounters.Add(ref counters.ReportsDroppedCount);
                return HandlerResult.Drop;
        }
    }
}
