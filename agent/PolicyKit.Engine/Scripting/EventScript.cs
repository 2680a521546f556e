using System.Collections.Immutable;
using System.Globalization;
using PolicyKit.Tables.Model;

namespace PolicyKit.Engine.Scripting;

/// <summary>
/// The event language of <c>mpolc explain --event</c> and of replayed event logs: events
/// separated by ';', applied in order.
/// <code>
/// join IFACE GROUP [source S] [from HOST] [version N]     IGMP/MLD report (ASM without source)
/// leave IFACE GROUP [source S]                            the entry ends
/// state S|* G rpf IFACE [out IFACE,…] [connected]          create (S,G)/(*,G), then add outputs
/// prune S|* G [IFACE]                                     remove an output, or the whole state
/// sa PEER S G RP                                          MSDP SA received from PEER
/// sa-out PEER S G RP                                      MSDP SA forwarded to PEER (originated by RP)
/// sa-originate PEER S G                                   MSDP SA this RP originates for local source S, to PEER
/// register S G                                            PIM register for (S,G)
/// prefix PEER PREFIX                                      BGP announce (via BMP)
/// withdraw PEER PREFIX                                    BGP withdraw
/// peer-down PEER                                          BGP and MSDP session down
/// wait DURATION                                           advance the clock: 500ms, 10s, 5m, 1h
/// </code>
/// Interface names with spaces or ';' are written in double quotes. Events of one script happen
/// at the same instant unless a <c>wait</c> separates them.
/// </summary>
public static class EventScript
{
    /// <summary>Parses a script; on failure returns false and a message naming the event and the token.</summary>
    public static bool TryParse(string text, out IReadOnlyList<ScriptEvent> events, out string error)
    {
        var list = new List<ScriptEvent>();
        events = list;
        error = string.Empty;
        var parts = SplitEvents(text, out error);
        if (parts is null) return false;
        for (int i = 0; i < parts.Count; i++)
        {
            var tokens = Tokenize(parts[i]);
            if (tokens.Count == 0) continue;
            var parser = new Parser(tokens, string.Join(' ', tokens.Select(Quote)));
            if (!parser.TryParse(out var e, out string message))
            {
                error = $"event {i + 1} ('{parser.Text}'): {message}";
                return false;
            }
            list.Add(e!);
        }
        if (list.Count == 0)
        {
            error = "no event given";
            return false;
        }
        return true;
    }

    /// <summary>Applies the events to the engine in order, starting at <paramref name="start"/>; returns every decision.</summary>
    public static IReadOnlyList<ScriptResult> Run(AdmissionEngine engine, IReadOnlyList<ScriptEvent> events, long start)
    {
        long now = Math.Max(start, engine.Now);
        var results = new List<ScriptResult>();
        foreach (var e in events)
        {
            var decisions = new List<(string, Decision)>();
            switch (e.Kind)
            {
                case ScriptEventKind.Join:
                    decisions.Add(("join", engine.Join(new JoinEvent(engine.Interface(e.Interface!), e.Group, e.Source, e.Host, e.Version), now)));
                    break;
                case ScriptEventKind.Leave:
                    decisions.Add(("leave", engine.Leave(new LeaveEvent(engine.Interface(e.Interface!), e.Group, e.Source), now)));
                    break;
                case ScriptEventKind.State:
                {
                    var created = engine.CreateState(new StateEvent(e.Source, e.Group, engine.Interface(e.Interface!), e.Connected), now);
                    decisions.Add(("state", created));
                    if (created.IsAdmit)
                    {
                        foreach (var output in e.Outputs)
                            decisions.Add(($"out {output}", engine.AddOutput(new OutputEvent(e.Source, e.Group, engine.Interface(output)), now)));
                    }
                    break;
                }
                case ScriptEventKind.Prune:
                    decisions.Add(e.Interface is null
                        ? ("delete", engine.DeleteState(e.Source, e.Group, now))
                        : ($"prune {e.Interface}", engine.RemoveOutput(new OutputEvent(e.Source, e.Group, engine.Interface(e.Interface)), now)));
                    break;
                case ScriptEventKind.Sa:
                    decisions.Add(("sa", engine.SaReceived(new SaEvent(e.Peer, e.Source, e.Group, e.Rp), now)));
                    break;
                case ScriptEventKind.SaOut:
                    decisions.Add(("sa-out", engine.SaForward(new SaEvent(e.Peer, e.Source, e.Group, e.Rp), now)));
                    break;
                case ScriptEventKind.SaOriginate:
                    decisions.Add(("sa-originate", engine.SaOriginate(new SaEvent(e.Peer, e.Source, e.Group, Address.None), now)));
                    break;
                case ScriptEventKind.Register:
                    decisions.Add(("register", engine.Register(new RegisterEvent(e.Source, e.Group), now)));
                    break;
                case ScriptEventKind.Prefix:
                    decisions.Add(("prefix", engine.PrefixAnnounced(new PrefixEvent(e.Peer, e.Group, e.Length), now)));
                    break;
                case ScriptEventKind.Withdraw:
                    decisions.Add(("withdraw", engine.PrefixWithdrawn(new PrefixEvent(e.Peer, e.Group, e.Length), now)));
                    break;
                case ScriptEventKind.PeerDown:
                    engine.BgpPeerDown(e.Peer, now);
                    engine.MsdpPeerDown(e.Peer, now);
                    break;
                case ScriptEventKind.Wait:
                    now += e.Wait.Ticks;
                    engine.Advance(now);
                    break;
            }
            results.Add(new ScriptResult(e, decisions, now));
        }
        return results;
    }

    private static string Quote(string token) => token.Any(c => char.IsWhiteSpace(c) || c == ';') ? $"\"{token}\"" : token;

    private static List<string>? SplitEvents(string text, out string error)
    {
        error = string.Empty;
        var parts = new List<string>();
        int start = 0;
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (text[i] == ';' && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        if (quoted)
        {
            error = "a quoted name is not closed";
            return null;
        }
        parts.Add(text[start..]);
        return parts;
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }
            if (text[i] == '"')
            {
                int end = text.IndexOf('"', i + 1);
                tokens.Add(text[(i + 1)..end]);
                i = end + 1;
                continue;
            }
            int s = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] != '"') i++;
            tokens.Add(text[s..i]);
        }
        return tokens;
    }

    private sealed class Parser(List<string> tokens, string text)
    {
        private int _next;

        public string Text { get; } = text;

        public bool TryParse(out ScriptEvent? e, out string error)
        {
            e = null;
            error = string.Empty;
            try
            {
                e = Parse();
                if (_next < tokens.Count) throw new ScriptError($"unexpected '{tokens[_next]}'");
                return true;
            }
            catch (ScriptError x)
            {
                error = x.Message;
                return false;
            }
        }

        private ScriptEvent Parse()
        {
            string verb = Take("an event (join, leave, state, prune, sa, sa-out, sa-originate, register, prefix, withdraw, peer-down, wait)");
            switch (verb)
            {
                case "join":
                {
                    string iface = Take("an interface name");
                    var group = Group();
                    Address source = default, host = default;
                    int version = 0;
                    while (_next < tokens.Count)
                    {
                        string option = Take("");
                        switch (option)
                        {
                            case "source": source = Unicast("a source address", group.Family); break;
                            case "from": host = AddressOf("a host address"); break;
                            case "version":
                                string v = Take("a version number");
                                if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out version)) throw new ScriptError($"'{v}' is not a version number");
                                break;
                            default: throw new ScriptError($"unexpected '{option}': expected source, from or version");
                        }
                    }
                    int newest = group.Family == AddressFamily.V4 ? 3 : 2;
                    if (version == 0) version = newest;
                    if (version < 1 || version > newest)
                        throw new ScriptError($"{(group.Family == AddressFamily.V4 ? "IGMP" : "MLD")} version {version} does not exist (1–{newest})");
                    if (!source.IsNone && version < newest)
                        throw new ScriptError($"a join with a source (SSM) needs {(group.Family == AddressFamily.V4 ? "IGMPv3" : "MLDv2")}");
                    return new ScriptEvent(ScriptEventKind.Join, Text, Interface: iface, Group: group, Source: source, Host: host, Version: (byte)version);
                }
                case "leave":
                {
                    string iface = Take("an interface name");
                    var group = Group();
                    Address source = default;
                    if (TakeIf("source")) source = Unicast("a source address", group.Family);
                    return new ScriptEvent(ScriptEventKind.Leave, Text, Interface: iface, Group: group, Source: source);
                }
                case "state":
                {
                    var source = SourceOrStar();
                    var group = Group();
                    CheckFamily(source, group);
                    Expect("rpf");
                    string rpf = Take("the RPF interface name");
                    var outputs = ImmutableArray.CreateBuilder<string>();
                    bool connected = false;
                    while (_next < tokens.Count)
                    {
                        string option = Take("");
                        if (option == "connected") connected = true;
                        else if (option == "out")
                        {
                            do
                            {
                                foreach (var name in Take("an output interface name").Split(',', StringSplitOptions.RemoveEmptyEntries)) outputs.Add(name);
                            }
                            while (_next < tokens.Count && (tokens[_next - 1].EndsWith(',') || tokens[_next].StartsWith(',')));
                        }
                        else throw new ScriptError($"unexpected '{option}': expected out or connected");
                    }
                    return new ScriptEvent(ScriptEventKind.State, Text, Interface: rpf, Group: group, Source: source, Outputs: outputs.ToImmutable(), Connected: connected);
                }
                case "prune":
                {
                    var source = SourceOrStar();
                    var group = Group();
                    CheckFamily(source, group);
                    string? iface = _next < tokens.Count ? Take("") : null;
                    return new ScriptEvent(ScriptEventKind.Prune, Text, Interface: iface, Group: group, Source: source);
                }
                case "sa":
                case "sa-out":
                {
                    var peer = AddressOf("the MSDP peer address");
                    var source = AddressOf("the source address");
                    var group = Group();
                    CheckFamily(source, group);
                    var rp = AddressOf("the RP address");
                    return new ScriptEvent(verb == "sa" ? ScriptEventKind.Sa : ScriptEventKind.SaOut, Text, Group: group, Source: source, Peer: peer, Rp: rp);
                }
                case "sa-originate":
                {
                    var peer = AddressOf("the MSDP peer address");
                    var source = AddressOf("the source address");
                    var group = Group();
                    CheckFamily(source, group);
                    return new ScriptEvent(ScriptEventKind.SaOriginate, Text, Group: group, Source: source, Peer: peer);
                }
                case "register":
                {
                    var source = AddressOf("the source address");
                    var group = Group();
                    CheckFamily(source, group);
                    return new ScriptEvent(ScriptEventKind.Register, Text, Group: group, Source: source);
                }
                case "prefix":
                case "withdraw":
                {
                    var peer = AddressOf("the BGP peer address");
                    string p = Take("a prefix");
                    int slash = p.IndexOf('/');
                    if (!Address.TryParse(slash < 0 ? p : p[..slash], out var network)) throw new ScriptError($"'{p}' is not a prefix");
                    int bits = network.Family == AddressFamily.V4 ? 32 : 128;
                    int length = bits;
                    if (slash >= 0 && (!int.TryParse(p[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > bits))
                        throw new ScriptError($"'{p}' has no valid prefix length");
                    return new ScriptEvent(verb == "prefix" ? ScriptEventKind.Prefix : ScriptEventKind.Withdraw, Text, Group: network, Peer: peer, Length: (byte)length);
                }
                case "peer-down":
                    return new ScriptEvent(ScriptEventKind.PeerDown, Text, Peer: AddressOf("the peer address"));
                case "wait":
                    return new ScriptEvent(ScriptEventKind.Wait, Text, Wait: Duration(Take("a duration (500ms, 10s, 5m, 1h)")));
                default:
                    throw new ScriptError($"unknown event '{verb}': expected join, leave, state, prune, sa, sa-out, sa-originate, register, prefix, withdraw, peer-down or wait");
            }
        }

        private string Take(string what)
        {
            if (_next >= tokens.Count) throw new ScriptError($"expected {what}");
            return tokens[_next++];
        }

        private bool TakeIf(string word)
        {
            if (_next < tokens.Count && tokens[_next] == word)
            {
                _next++;
                return true;
            }
            return false;
        }

        private void Expect(string word)
        {
            if (!TakeIf(word)) throw new ScriptError(_next < tokens.Count ? $"expected '{word}', found '{tokens[_next]}'" : $"expected '{word}'");
        }

        private Address AddressOf(string what)
        {
            string token = Take(what);
            return Address.TryParse(token, out var address) ? address : throw new ScriptError($"'{token}' is not an address ({what})");
        }

        private Address Group()
        {
            string token = Take("a group address");
            if (!Address.TryParse(token, out var group)) throw new ScriptError($"'{token}' is not a group address");
            bool multicast = group.Family == AddressFamily.V4 ? (group.Value >> 28) == 0xE : (group.Value >> 120) == 0xFF;
            return multicast ? group : throw new ScriptError($"{token} is not a multicast group (224.0.0.0/4, ff00::/8)");
        }

        private Address Unicast(string what, AddressFamily family)
        {
            var address = AddressOf(what);
            return address.Family == family ? address : throw new ScriptError($"{address} and the group are of different address families");
        }

        private Address SourceOrStar() => TakeIf("*") ? Address.None : AddressOf("a source address or *");

        private static void CheckFamily(Address source, Address group)
        {
            if (!source.IsNone && source.Family != group.Family) throw new ScriptError($"{source} and {group} are of different address families");
        }

        private static TimeSpan Duration(string text)
        {
            (string suffix, long ticks)[] units = [("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour)];
            foreach (var (suffix, ticks) in units)
            {
                if (text.EndsWith(suffix, StringComparison.Ordinal) && long.TryParse(text[..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                    return TimeSpan.FromTicks(n * ticks);
            }
            throw new ScriptError($"'{text}' is not a duration (500ms, 10s, 5m, 1h)");
        }
    }

    private sealed class ScriptError(string message) : Exception(message);
}
