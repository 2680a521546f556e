using PolicyKit.Engine;
using PolicyKit.Nfqueue.Flows;
using PolicyKit.Nfqueue.Queue;
using PolicyKit.Packets;
using PolicyKit.Packets.Membership;

namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>
/// Admits new multicast flows. The first packet of an (S,G) on an input interface that is in
/// neither flow set is queued; the engine decides the state (<c>CreateState</c>: group range, SSM,
/// route limit, rpf/connected limits with costs). Admitted: the flow goes into the allow set with a
/// timeout (later packets never reach the agent) and each output interface where receivers hold a
/// membership for it is added (<c>AddOutput</c>: out limits with costs); an output the engine refuses
/// goes into the output-deny set, so the kernel drops the flow there only. Denied: the flow goes
/// into the deny set and the packet is dropped. When the allow element times out while the flow
/// still runs, its next packet is queued again and refreshes the engine's state.
/// <para>Outputs follow memberships: an admitted join on an interface adds that output to every
/// known flow of the group (and source, for SSM); a leave or expiry removes it.</para>
/// Runs on the enforcer's thread only.
/// </summary>
internal sealed class FlowAdmitter(
    AdmissionEngine engine, object engineLock, IFlowSetWriter writer, InterfaceResolver interfaces, EnforcerCounters counters,
    TimeSpan allowTimeout, TimeSpan denyTimeout, TimeSpan stateTimeout, TimeSpan membershipTimeout)
{
    private sealed class Flow(ResolvedInterface input, long expiry)
    {
        public ResolvedInterface Input = input;
        public long Expiry = expiry;
        public readonly HashSet<string> DeniedOutputs = new(StringComparer.Ordinal);
    }

    /// <summary>Receivers on an output interface: (*,G) when the source is None, else (S,G).</summary>
    private readonly record struct Interest(string Interface, Address Source, Address Group);

    private readonly Dictionary<(Address Source, Address Group), Flow> _flows = [];
    private readonly Dictionary<Interest, long> _interests = [];

    // Indexes by group, so a new flow or a new membership looks only at its own group.
    private readonly Dictionary<Address, List<Interest>> _interestsByGroup = [];
    private readonly Dictionary<Address, List<Address>> _sourcesByGroup = [];

    private readonly List<(ResolvedInterface Output, Decision Decision)> _outputs = [];

    public int FlowCount => _flows.Count;

    public HandlerResult Handle(in QueuedPacket packet, ResolvedInterface input, long now, OutcomeBuffer outcomes)
    {
        if (IpHeader.Parse(packet.Payload, out var ip, verifyIpv4Checksum: false) != DecodeStatus.Ok) return HandlerResult.Accept;
        var group = ip.Destination.ToEngine();
        var source = ip.Source.ToEngine();
        if (!Addresses.IsMulticast(group) || Addresses.IsLinkLocalMulticast(group) || ip.Protocol == IpHeader.ProtocolIgmp) return HandlerResult.Accept;

        Decision state;
        var outputs = _outputs;
        outputs.Clear();
        lock (engineLock)
        {
            state = engine.CreateState(new StateEvent(source, group, input.Id, input.IsConnected(source)), now);
            if (state.IsAdmit)
            {
                foreach (var interest in InterestsIn(group))
                {
                    if (_interests[interest] <= now || interest.Interface == input.LinuxName) continue;
                    if (!interest.Source.IsNone && interest.Source != source) continue;
                    var output = interfaces.ByName(interest.Interface);
                    if (outputs.Exists(o => o.Output == output)) continue;
                    outputs.Add((output, engine.AddOutput(new OutputEvent(source, group, output.Id), now)));
                }
            }
        }
        var key = new FlowKey(input.LinuxName, source, group);
        outcomes.Flows.Add(new FlowOutcome(input.LinuxName, input.PolicyName, source, group, state));
        if (!state.IsAdmit)
        {
            EnforcerCounters.Add(ref counters.FlowsDeniedCount);
            RemoveFlow(source, group);
            Write(FlowSet.Deny, key, denyTimeout, outcomes);
            return HandlerResult.Drop;
        }

        EnforcerCounters.Add(ref counters.FlowsAdmittedCount);
        if (!_flows.TryGetValue((source, group), out var flow))
        {
            _flows[(source, group)] = flow = new Flow(input, 0);
            Index(_sourcesByGroup, group).Add(source);
        }
        flow.Input = input;
        flow.Expiry = now + stateTimeout.Ticks;
        foreach (var (output, decision) in outputs) ApplyOutput(flow, output, source, group, decision, outcomes);
        // Output denials first: once the allow element is in, packets bypass the agent.
        Write(FlowSet.Allow, key, allowTimeout, outcomes);
        return HandlerResult.Accept;
    }

    /// <summary>Follows the membership changes of one report: outputs added to or removed from known flows.</summary>
    public void MembershipsChanged(List<MembershipOutcome> changes, long now, OutcomeBuffer outcomes)
    {
        foreach (var c in changes)
        {
            var interest = new Interest(c.Interface, c.Source, c.Group);
            if (c.Change == ChangeKind.Join)
            {
                if (!c.Decision.IsAdmit) continue;
                bool known = _interests.TryGetValue(interest, out long expiry);
                _interests[interest] = now + membershipTimeout.Ticks;
                if (!known) Index(_interestsByGroup, interest.Group).Add(interest);
                if (!known || expiry <= now) AddOutputToFlows(interest, now, outcomes);
            }
            else if (RemoveInterest(interest))
            {
                RemoveOutputFromFlows(interest, now, outcomes);
            }
        }
    }

    /// <summary>Frees expired interests and flows (the engine expires its own entries at the same times).</summary>
    public void Sweep(long now, OutcomeBuffer outcomes)
    {
        List<Interest>? expired = null;
        foreach (var (interest, expiry) in _interests)
        {
            if (expiry <= now) (expired ??= []).Add(interest);
        }
        if (expired is not null)
        {
            foreach (var i in expired)
            {
                RemoveInterest(i);
                RemoveOutputFromFlows(i, now, outcomes);
            }
        }
        List<(Address, Address)>? gone = null;
        foreach (var (key, flow) in _flows)
        {
            if (flow.Expiry <= now) (gone ??= []).Add(key);
        }
        if (gone is not null)
        {
            foreach (var (source, group) in gone) RemoveFlow(source, group);
        }
    }

    /// <summary>Forgets every flow and empties the flow sets: after a table reload every flow is decided again.</summary>
    public void Reset(OutcomeBuffer outcomes)
    {
        _flows.Clear();
        _sourcesByGroup.Clear();
        foreach (var set in new[] { FlowSet.Allow, FlowSet.Deny, FlowSet.OutputDeny })
        {
            foreach (var family in new[] { Tables.Model.AddressFamily.V4, Tables.Model.AddressFamily.V6 })
            {
                try
                {
                    writer.Flush(set, family);
                }
                catch (Exception e) when (e is Netlink.NetlinkException or TimeoutException or InvalidOperationException)
                {
                    EnforcerCounters.Add(ref counters.SetWriteErrorsCount);
                    outcomes.Problems.Add(new EnforcementProblem("-", $"flush set {FlowKey.SetName(set, family)}: {e.Message}", false));
                }
            }
        }
    }

    private void AddOutputToFlows(Interest interest, long now, OutcomeBuffer outcomes)
    {
        if (!_sourcesByGroup.TryGetValue(interest.Group, out var sources)) return;
        var output = interfaces.ByName(interest.Interface);
        var group = interest.Group;
        foreach (var source in sources)
        {
            var flow = _flows[(source, group)];
            if (flow.Expiry <= now || flow.Input.LinuxName == interest.Interface) continue;
            if (!interest.Source.IsNone && interest.Source != source) continue;
            Decision decision;
            lock (engineLock) decision = engine.AddOutput(new OutputEvent(source, group, output.Id), now);
            ApplyOutput(flow, output, source, group, decision, outcomes);
        }
    }

    private void RemoveOutputFromFlows(Interest interest, long now, OutcomeBuffer outcomes)
    {
        if (!_sourcesByGroup.TryGetValue(interest.Group, out var sources)) return;
        var output = interfaces.ByName(interest.Interface);
        var group = interest.Group;
        foreach (var source in sources)
        {
            var flow = _flows[(source, group)];
            if (flow.Input.LinuxName == interest.Interface) continue;
            if (!interest.Source.IsNone && interest.Source != source) continue;
            // Another membership on the same interface may still want this flow ((*,G) and (S,G) both).
            if (StillWanted(interest.Interface, source, group, now)) continue;
            lock (engineLock) engine.RemoveOutput(new OutputEvent(source, group, output.Id), now);
            if (flow.DeniedOutputs.Remove(interest.Interface)) Delete(FlowSet.OutputDeny, new FlowKey(interest.Interface, source, group), outcomes);
        }
    }

    private IReadOnlyList<Interest> InterestsIn(Address group) =>
        _interestsByGroup.TryGetValue(group, out var list) ? list : [];

    private bool RemoveInterest(Interest interest)
    {
        if (!_interests.Remove(interest)) return false;
        if (_interestsByGroup.TryGetValue(interest.Group, out var list) && list.Remove(interest) && list.Count == 0) _interestsByGroup.Remove(interest.Group);
        return true;
    }

    private void RemoveFlow(Address source, Address group)
    {
        if (!_flows.Remove((source, group))) return;
        if (_sourcesByGroup.TryGetValue(group, out var list) && list.Remove(source) && list.Count == 0) _sourcesByGroup.Remove(group);
    }

    private static List<T> Index<T>(Dictionary<Address, List<T>> index, Address group)
    {
        if (!index.TryGetValue(group, out var list)) index[group] = list = [];
        return list;
    }

    private bool StillWanted(string iface, Address source, Address group, long now) =>
        (_interests.TryGetValue(new Interest(iface, Address.None, group), out long a) && a > now) ||
        (_interests.TryGetValue(new Interest(iface, source, group), out long b) && b > now);

    private void ApplyOutput(Flow flow, ResolvedInterface output, Address source, Address group, Decision decision, OutcomeBuffer outcomes)
    {
        outcomes.Outputs.Add(new OutputOutcome(output.LinuxName, output.PolicyName, source, group, decision));
        var key = new FlowKey(output.LinuxName, source, group);
        if (decision.IsAdmit)
        {
            EnforcerCounters.Add(ref counters.OutputsAdmittedCount);
            if (flow.DeniedOutputs.Remove(output.LinuxName)) Delete(FlowSet.OutputDeny, key, outcomes);
        }
        else
        {
            EnforcerCounters.Add(ref counters.OutputsDeniedCount);
            flow.DeniedOutputs.Add(output.LinuxName);
            // Outlives the allow element: the flow is decided again before this one lapses.
            Write(FlowSet.OutputDeny, key, allowTimeout + denyTimeout, outcomes);
        }
    }

    private void Write(FlowSet set, in FlowKey key, TimeSpan timeout, OutcomeBuffer outcomes)
    {
        try
        {
            writer.Add(set, key, timeout);
        }
        catch (Exception e) when (e is Netlink.NetlinkException or TimeoutException or InvalidOperationException or ArgumentException)
        {
            EnforcerCounters.Add(ref counters.SetWriteErrorsCount);
            outcomes.Problems.Add(new EnforcementProblem(key.Interface, $"add element {FlowKey.SetName(set, key.Family)} {{ {key} }}: {e.Message}", false));
        }
    }

    private void Delete(FlowSet set, in FlowKey key, OutcomeBuffer outcomes)
    {
        try
        {
            writer.Delete(set, key);
        }
        catch (Exception e) when (e is Netlink.NetlinkException or TimeoutException or InvalidOperationException or ArgumentException)
        {
            EnforcerCounters.Add(ref counters.SetWriteErrorsCount);
            outcomes.Problems.Add(new EnforcementProblem(key.Interface, $"delete element {FlowKey.SetName(set, key.Family)} {{ {key} }}: {e.Message}", false));
        }
    }
}
