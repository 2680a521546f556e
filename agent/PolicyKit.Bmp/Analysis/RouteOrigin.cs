using System.Buffers.Binary;
using System.Globalization;
using PolicyKit.Bmp.Wire;

namespace PolicyKit.Bmp.Analysis;

/// <summary>
/// The origin AS of a route as RFC 6811 §2 defines it: the rightmost AS of the final segment of
/// the AS_PATH when that segment is an AS_SEQUENCE; the BGP speaker's own AS when the path is
/// empty or ends in a confederation segment; NONE (<see cref="IsNone"/>) when it ends in an
/// AS_SET — a NONE origin matches no authorization, so a covered route with it is invalid and an
/// uncovered one not-found. On a session without 4-octet AS numbers the trailing ASes come from
/// the AS4_PATH when it is valid and not longer than the AS_PATH (RFC 6793 §4.2.3).
/// </summary>
public readonly record struct RouteOrigin(uint As, bool IsNone)
{
    public static readonly RouteOrigin None = new(0, true);

    public static RouteOrigin Of(uint asNumber) => new(asNumber, false);

    public override string ToString() => IsNone ? "NONE" : "AS" + As.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The origin of a route with this AS_PATH (and AS4_PATH on a 2-octet session), received by a
    /// speaker of AS <paramref name="localAs"/>. A malformed path (RFC 7606 treats the route as
    /// withdrawn before this is asked) yields NONE.
    /// </summary>
    public static RouteOrigin From(ReadOnlySpan<byte> asPath, bool fourOctet, ReadOnlySpan<byte> as4Path, uint localAs)
    {
        int size = fourOctet ? 4 : 2;
        if (!AsPath.IsValid(asPath, size)) return None;
        if (!fourOctet && !as4Path.IsEmpty && AsPath.IsValid(as4Path, 4) && Counted(as4Path, 4) <= Counted(asPath, 2))
        {
            asPath = as4Path;
            size = 4;
        }
        if (asPath.IsEmpty) return Of(localAs);
        ReadOnlySpan<byte> last = default;
        while (!asPath.IsEmpty)
        {
            int length = 2 + asPath[1] * size;
            last = asPath[..length];
            asPath = asPath[length..];
        }
        return last[0] switch
        {
            AsPath.AsSequence => Of(size == 4 ? BinaryPrimitives.ReadUInt32BigEndian(last[^4..]) : BinaryPrimitives.ReadUInt16BigEndian(last[^2..])),
            AsPath.ConfedSequence or AsPath.ConfedSet => Of(localAs),
            _ => None,
        };
    }

    /// <summary>ASes as path length counts them (RFC 4271 §9.1.2.2): a sequence's members, one per set, none for confederation segments.</summary>
    private static int Counted(ReadOnlySpan<byte> path, int size)
    {
        int n = 0;
        while (!path.IsEmpty)
        {
            int count = path[1];
            n += path[0] switch { AsPath.AsSequence => count, AsPath.AsSet => 1, _ => 0 };
            path = path[(2 + count * size)..];
        }
        return n;
    }
}
