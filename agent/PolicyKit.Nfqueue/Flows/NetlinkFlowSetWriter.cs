using System.Buffers.Binary;
using System.Text;
using PolicyKit.Engine;
using PolicyKit.Nfqueue.Netlink;
using PolicyKit.Tables.Model;

namespace PolicyKit.Nfqueue.Flows;

/// <summary>
/// Writes flow-set elements with nf_tables netlink batches (BATCH_BEGIN, NEWSETELEM /
/// DESTROYSETELEM / DELSETELEM-flush, BATCH_END), each acknowledged before the call returns, so
/// an element is in the kernel when <see cref="Add"/> returns. No child process, no text parsing;
/// about ten times faster per element than feeding a persistent <c>nft -i</c> (docs/enforcement.md).
/// Key layout is nft's concatenation: the interface name in 16 bytes (IFNAMSIZ, NUL-padded), then
/// the source and group in network byte order (4 or 16 bytes each). One thread at a time.
/// </summary>
public sealed class NetlinkFlowSetWriter : IFlowSetWriter
{
    private const int IfNameSize = 16;
    private const int AF_UNSPEC = 0;

    private readonly NetlinkSocket _socket;
    private readonly byte[] _send = new byte[1024];
    private readonly byte[] _receive = new byte[8192];
    private readonly TimeSpan _timeout;
    private uint _sequence;

    public NetlinkFlowSetWriter(string table, TimeSpan? timeout = null)
    {
        Table = table;
        _timeout = timeout ?? TimeSpan.FromSeconds(5);
        _socket = NetlinkSocket.Open();
        _socket.SetReceiveTimeout(TimeSpan.FromMilliseconds(500));
        // The sequence only has to grow; starting from the clock keeps stray answers of an earlier socket apart.
        _sequence = (uint)Environment.TickCount;
    }

    /// <summary>The nft table (family inet) whose sets this writer fills.</summary>
    public string Table { get; }

    public void Add(FlowSet set, in FlowKey key, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "an element needs a positive timeout");
        Execute(Nft.MsgNewSetElem, Nl.FCreate, set, key, (ulong)Math.Ceiling(timeout.TotalMilliseconds), $"add element {FlowKey.SetName(set, key.Family)} {{ {key} }}");
    }

    public void Delete(FlowSet set, in FlowKey key) =>
        Execute(Nft.MsgDestroySetElem, 0, set, key, 0, $"destroy element {FlowKey.SetName(set, key.Family)} {{ {key} }}");

    public void Flush(FlowSet set, AddressFamily family)
    {
        var w = new NetlinkWriter(_send);
        Begin(ref w);
        uint request = ++_sequence;
        w.BeginMessage(NftType(Nft.MsgDelSetElem), Nl.FRequest | Nl.FAck, request, Nft.FamilyInet, 0);
        w.AttributeString(Nft.ElemListTable, Table);
        w.AttributeString(Nft.ElemListSet, FlowKey.SetName(set, family));
        w.EndMessage();
        End(ref w);
        NetlinkTransaction.Execute(_socket, w.Written, request, 1, _receive, $"flush set inet {Table} {FlowKey.SetName(set, family)}", _timeout);
    }

    private void Execute(byte kind, ushort extraFlags, FlowSet set, in FlowKey key, ulong timeoutMs, string what)
    {
        Span<byte> keyBytes = stackalloc byte[IfNameSize + 32];
        int keyLength = EncodeKey(key, keyBytes);
        var w = new NetlinkWriter(_send);
        Begin(ref w);
        uint request = ++_sequence;
        w.BeginMessage(NftType(kind), (ushort)(Nl.FRequest | Nl.FAck | extraFlags), request, Nft.FamilyInet, 0);
        w.AttributeString(Nft.ElemListTable, Table);
        w.AttributeString(Nft.ElemListSet, FlowKey.SetName(set, key.Family));
        int elements = w.BeginNested(Nft.ElemListElements);
        int element = w.BeginNested(Nft.ListElem);
        int keyNest = w.BeginNested(Nft.ElemKey);
        w.Attribute(Nft.DataValue, keyBytes[..keyLength]);
        w.EndNested(keyNest);
        if (timeoutMs > 0) w.AttributeBigEndian64(Nft.ElemTimeout, timeoutMs);
        w.EndNested(element);
        w.EndNested(elements);
        w.EndMessage();
        End(ref w);
        NetlinkTransaction.Execute(_socket, w.Written, request, 1, _receive, $"nft {what} in table inet {Table}", _timeout);
    }

    private void Begin(ref NetlinkWriter w)
    {
        w.BeginMessage(Nl.BatchBegin, Nl.FRequest, ++_sequence, AF_UNSPEC, Nl.SubsysNftables);
        w.EndMessage();
    }

    private void End(ref NetlinkWriter w)
    {
        w.BeginMessage(Nl.BatchEnd, Nl.FRequest, ++_sequence, AF_UNSPEC, Nl.SubsysNftables);
        w.EndMessage();
    }

    private static ushort NftType(byte kind) => (ushort)(Nl.SubsysNftables << 8 | kind);

    /// <summary>nft's concatenated key: ifname (16 bytes, NUL-padded) . source . group (network order).</summary>
    internal static int EncodeKey(in FlowKey key, Span<byte> destination)
    {
        if (key.Source.Family != key.Group.Family || key.Group.IsNone)
            throw new ArgumentException($"flow key {key}: source and group must be addresses of one family");
        var name = destination[..IfNameSize];
        name.Clear();
        if (Encoding.ASCII.GetByteCount(key.Interface) >= IfNameSize || key.Interface.Length == 0)
            throw new ArgumentException($"'{key.Interface}' is not a Linux interface name (1-15 characters)");
        Encoding.ASCII.GetBytes(key.Interface, name);
        int at = IfNameSize;
        at += WriteAddress(key.Source, destination[at..]);
        at += WriteAddress(key.Group, destination[at..]);
        return at;
    }

    private static int WriteAddress(in Address a, Span<byte> destination)
    {
        if (a.Family == AddressFamily.V4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, a.Low32);
            return 4;
        }
        BinaryPrimitives.WriteUInt128BigEndian(destination, a.Value);
        return 16;
    }

    public void Dispose() => _socket.Dispose();
}
