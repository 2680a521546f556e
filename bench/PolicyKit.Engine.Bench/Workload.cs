namespace PolicyKit.Engine.Bench;

/// <summary>
/// Pre-generated join events over <see cref="BenchTable"/> (seeded): every decision of a run is one
/// array read and one engine call. The engine is pre-loaded with <see cref="Entries"/> membership
/// entries: each of the 2,000 interfaces has <see cref="ChannelsPerInterface"/> channels, drawn
/// from its line-up's 10,000 ranges with Zipf popularity (s = 1: a few channels are watched
/// everywhere, most rarely — as IPTV viewing is). Three channels per interface is the guide's
/// subscriber port ("the channel guide plus one channel", or two); 32 is a stress case of 64,000
/// entries, more state than the caches hold.
/// </summary>
internal sealed class Workload
{
    public readonly int ChannelsPerInterface;
    public readonly AdmissionEngine Engine;
    public readonly InterfaceId[] Ids;

    private readonly Random _random = new(42);
    private readonly int[,] _channels;
    private readonly double[] _zipf;

    public int Entries => BenchTable.Interfaces * ChannelsPerInterface;

    public Workload(int channelsPerInterface)
    {
        ChannelsPerInterface = channelsPerInterface;
        _channels = new int[BenchTable.Interfaces, channelsPerInterface];
        int capacity = 1024;
        while (capacity < BenchTable.Interfaces * (channelsPerInterface + 2)) capacity <<= 1;
        Engine = new AdmissionEngine(BenchTable.Build(), new EngineOptions
        {
            MembershipCapacity = capacity,
            InterfaceCapacity = BenchTable.Interfaces,
            MembershipTimeout = TimeSpan.FromDays(365),
        });
        Ids = Enumerable.Range(0, BenchTable.Interfaces).Select(i => Engine.Interface(BenchTable.InterfaceName(i))).ToArray();

        // Zipf(1) over the ranges of a line-up, as a cumulative distribution.
        _zipf = new double[BenchTable.RangesPerLineup];
        double sum = 0;
        for (int r = 0; r < _zipf.Length; r++) _zipf[r] = sum += 1.0 / (r + 1);
        for (int r = 0; r < _zipf.Length; r++) _zipf[r] /= sum;

        for (int i = 0; i < BenchTable.Interfaces; i++)
        {
            var chosen = new HashSet<int>();
            for (int k = 0; k < ChannelsPerInterface; k++)
            {
                int rule;
                do rule = Popular(); while (rule % 97 == 0 || !chosen.Add(rule));
                _channels[i, k] = rule;
                var d = Engine.Join(Permitted(i, k), 1);
                if (!d.IsAdmit) throw new InvalidOperationException($"preload join refused: {d}");
            }
        }
    }

    /// <summary>A rule index drawn with Zipf popularity, scattered over the line-up (rank r is not rule r).</summary>
    private int Popular()
    {
        int rank = Array.BinarySearch(_zipf, _random.NextDouble());
        if (rank < 0) rank = ~rank;
        return (int)((rank * 7919L) % BenchTable.RangesPerLineup);
    }

    /// <summary>The join for the k-th channel of an interface (the preloaded entry).</summary>
    public JoinEvent Permitted(int iface, int k) => Join(iface, _channels[iface, k], k);

    private JoinEvent Join(int iface, int rule, int k)
    {
        int lineup = iface % BenchTable.Lineups;
        uint group = BenchTable.RuleGroup(lineup, rule) + (uint)(k % 16);
        var source = rule % 2 == 0 ? Address.V4(BenchTable.RuleSource(rule) + 7) : Address.None;
        return new JoinEvent(Ids[iface], Address.V4(group), source, Address.V4(0x0A000000u + (uint)iface), 3);
    }

    /// <summary>Reports for existing entries, uniformly at random over all 64,000: the cache-hostile worst case.</summary>
    public JoinEvent[] RefreshesUniform(int count) =>
        Enumerable.Range(0, count).Select(_ => Permitted(_random.Next(BenchTable.Interfaces), _random.Next(ChannelsPerInterface))).ToArray();

    /// <summary>
    /// Reports as routers see them: a general query on an interface is answered by a report for
    /// each of its channels, so the reports of one interface arrive together; interfaces are
    /// queried in random order.
    /// </summary>
    public JoinEvent[] RefreshesByQuery(int count)
    {
        var events = new List<JoinEvent>(count);
        while (events.Count < count)
        {
            int iface = _random.Next(BenchTable.Interfaces);
            foreach (int k in Enumerable.Range(0, ChannelsPerInterface).OrderBy(_ => _random.Next())) events.Add(Permitted(iface, k));
        }
        return [.. events.Take(count)];
    }

    /// <summary>Joins the line-up refuses: an SSM channel from the wrong source, or a group past the line-up (the final deny).</summary>
    public JoinEvent[] Denied(int count) => Enumerable.Range(0, count).Select(_ =>
    {
        int iface = _random.Next(BenchTable.Interfaces);
        int lineup = iface % BenchTable.Lineups;
        int rule = Popular() & ~1;
        return _random.Next(2) == 0
            ? new JoinEvent(Ids[iface], Address.V4(BenchTable.RuleGroup(lineup, rule) + 3), Address.V4(0xCB007101), Address.None, 3)
            : new JoinEvent(Ids[iface], Address.V4(BenchTable.AsmBase + 0x00F00000 + (uint)_random.Next(1 << 16)), Address.None, Address.None, 3);
    }).ToArray();

    /// <summary>New joins (a channel the interface does not have, by popularity), each followed by its leave.</summary>
    public (JoinEvent Join, LeaveEvent Leave)[] NewEntries(int count) => Enumerable.Range(0, count).Select(_ =>
    {
        int iface = _random.Next(BenchTable.Interfaces);
        int rule;
        do rule = Popular(); while (rule % 97 == 0 || Enumerable.Range(0, ChannelsPerInterface).Any(k => _channels[iface, k] == rule));
        var e = Join(iface, rule, ChannelsPerInterface);
        return (e, new LeaveEvent(e.Interface, e.Group, e.Source));
    }).ToArray();

    /// <summary>A busy edge: 80 % reports answering queries, 10 % refused joins, 10 % new joins (each left again later).</summary>
    public (JoinEvent Event, bool Leave)[] Mixed(int count, bool uniform = false)
    {
        var refresh = uniform ? RefreshesUniform(count) : RefreshesByQuery(count);
        var denied = Denied(count);
        var fresh = NewEntries(count);
        var list = new List<(JoinEvent, bool)>(count * 2);
        var pending = new Queue<JoinEvent>();
        for (int i = 0; list.Count < count; i++)
        {
            int roll = _random.Next(10);
            if (roll < 8) list.Add((refresh[i], false));
            else if (roll == 8) list.Add((denied[i], false));
            else
            {
                list.Add((fresh[i].Join, false));
                pending.Enqueue(fresh[i].Join);
                if (pending.Count > 16) list.Add((pending.Dequeue(), true));
            }
        }
        while (pending.Count > 0) list.Add((pending.Dequeue(), true));
        return [.. list];
    }
}
