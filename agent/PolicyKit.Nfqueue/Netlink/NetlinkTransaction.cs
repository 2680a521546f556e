using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace PolicyKit.Nfqueue.Netlink;

/// <summary>
/// Sends a request whose messages all ask for an ACK (NLM_F_ACK) and waits for the answers: an
/// ACK (error 0) for each, or the first error, thrown as a <see cref="NetlinkException"/> with
/// the kernel's extended-ack text when it gave one. Answers to other (older) sequence numbers and
/// unrelated messages are skipped. Bounded by a timeout.
/// </summary>
internal static class NetlinkTransaction
{
    private const ushort ExtAckMessage = 1;   // NLMSGERR_ATTR_MSG

    public static void Execute(NetlinkSocket socket, ReadOnlySpan<byte> request, uint firstSequence, int acks, Span<byte> scratch,
        string operation, TimeSpan timeout)
    {
        socket.Send(request);
        uint lastSequence = firstSequence + (uint)acks - 1;
        int pending = acks;
        var clock = Stopwatch.StartNew();
        while (pending > 0)
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"{operation}: no answer from the kernel within {timeout.TotalSeconds:0.#} s");
            var status = socket.Receive(scratch, out int length);
            if (status == ReceiveStatus.Timeout) continue;
            if (status == ReceiveStatus.Overrun) throw new NetlinkException(operation, NativeMethods.ENOBUFS, "answers lost (socket buffer overrun)");
            var reader = new NetlinkMessageReader(scratch[..length]);
            while (reader.TryRead(out var message))
            {
                if (!message.TryGetError(out int error) || !message.TryGetErrorSequence(out uint sequence)) continue;
                if (sequence < firstSequence || sequence > lastSequence) continue;
                if (error != 0) throw new NetlinkException(operation, -error, ExtendedAckText(message));
                pending--;
            }
        }
    }

    /// <summary>The kernel's extended-ack message (NLMSGERR_ATTR_MSG), or null.</summary>
    private static string? ExtendedAckText(in NetlinkMessage error)
    {
        if ((error.Flags & Nl.FAckTlvs) == 0 || error.Body.Length < 4 + Nl.HeaderLength) return null;
        // The echoed request is cut to its header when NLM_F_CAPPED is set, else it is whole.
        int echoed = (error.Flags & Nl.FCapped) != 0 ? Nl.HeaderLength : (int)BinaryPrimitives.ReadUInt32LittleEndian(error.Body[4..]);
        int start = 4 + Nl.Align(echoed);
        if (echoed < Nl.HeaderLength || start > error.Body.Length) return null;
        var attributes = new NetlinkAttributeReader(error.Body[start..]);
        while (attributes.TryRead(out var a))
        {
            if (a.Type != ExtAckMessage) continue;
            var text = a.Value;
            int nul = text.IndexOf((byte)0);
            return Encoding.UTF8.GetString(nul >= 0 ? text[..nul] : text);
        }
        return null;
    }
}
