using System.Globalization;
using PolicyKit.Engine;
using PolicyKit.Engine.Scripting;
using PolicyKit.Packets;
using PolicyKit.Packets.Capture;
using PolicyKit.Packets.Membership;
using PolicyKit.Tables.Model;

namespace PolicyKit.Agent.Replay;

/// <summary>
/// Turns a pcap/pcapng capture of IGMP/MLD into trace records: every group record of a report
/// (and every source of an SSM record) becomes one join or leave, at the packet's time, on the
/// interface the capture names (pcapng interface name), else <c>replay.interface</c>. Queries
/// and malformed packets make no event (malformed ones are counted in a note, so a damaged
/// capture is visible in the replay's output rather than silently thinner).
/// </summary>
public static class CaptureTrace
{
    /// <summary>True when the file starts with a pcap or pcapng magic number.</summary>
    public static bool LooksLikeCapture(string path)
    {
        try
        {
            using var f = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[4];
            if (f.Read(magic) < 4) return false;
            uint le = BitConverter.ToUInt32(magic);
            return le is 0xa1b2c3d4 or 0xd4c3b2a1 or 0xa1b23c4d or 0x4d3cb2a1 or 0x0a0d0d0a;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static IReadOnlyList<TraceRecord> Load(string path, string defaultInterface) => Stream(path, defaultInterface).ToList();

    /// <summary>The records of the capture, a packet at a time as they are enumerated; errors are thrown when reached.</summary>
    public static IEnumerable<TraceRecord> Stream(string path, string defaultInterface)
    {
        string file = Path.GetFileName(path);
        DateTime? start = null;
        using var packets = Guarded(MembershipCapture.Read(path, includeMalformed: true), path).GetEnumerator();
        while (packets.MoveNext())
        {
            var m = packets.Current;
            start ??= m.Timestamp;
            long offset = Math.Max(0, (m.Timestamp - start.Value).Ticks);
            string origin = $"{file}#{m.Number}";
            if (m.Message is null)
            {
                yield return new TraceRecord(offset, null, origin, $"packet {m.Number}: malformed {m.Status.Describe()} — ignored");
                continue;
            }
            string? iface = m.InterfaceName is { Length: > 0 } n ? n : defaultInterface.Length > 0 ? defaultInterface : null;
            if (iface is null)
                throw new TraceFormatException($"{origin}: the capture does not name the interface of this packet; set replay.interface");
            foreach (var change in m.Message.Changes)
            {
                yield return new TraceRecord(offset, ToEvent(change, m.Message, iface), origin);
            }
        }
    }

    /// <summary>The capture's packets, with its read errors turned into <see cref="TraceFormatException"/> (a yield cannot sit in a try with a catch).</summary>
    private static IEnumerable<CapturedMembership> Guarded(IEnumerable<CapturedMembership> packets, string path)
    {
        string file = Path.GetFileName(path);
        using var e = Wrap(() => packets.GetEnumerator(), file, path);
        while (Wrap(e.MoveNext, file, path)) yield return e.Current;
    }

    private static T Wrap<T>(Func<T> step, string file, string path)
    {
        try
        {
            return step();
        }
        catch (CaptureFormatException e)
        {
            throw new TraceFormatException($"{file}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TraceFormatException($"{path}: cannot read the capture: {e.Message}");
        }
    }

    private static ScriptEvent ToEvent(MembershipChange change, DecodedMembership message, string iface)
    {
        var group = ToAddress(change.Group);
        var source = change.IsAsm ? Address.None : ToAddress(change.Source);
        var host = ToAddress(message.Source);
        byte version = (byte)message.Version;
        string name = iface.Contains(' ') || iface.Contains(';') ? $"\"{iface}\"" : iface;
        string sourceText = change.IsAsm ? string.Empty : $" source {source}";
        if (change.Kind == ChangeKind.Join)
        {
            string text = $"join {name} {group}{sourceText} from {host} version {version.ToString(CultureInfo.InvariantCulture)}";
            return new ScriptEvent(ScriptEventKind.Join, text, iface, group, source, host, version);
        }
        return new ScriptEvent(ScriptEventKind.Leave, $"leave {name} {group}{sourceText}", iface, group, source);
    }

    private static Address ToAddress(PacketAddress a) =>
        a.IsNone ? Address.None : new Address(a.Family == IpFamily.V6 ? AddressFamily.V6 : AddressFamily.V4, a.Value);
}
