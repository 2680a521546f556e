using System.Buffers.Binary;
using System.Globalization;

namespace PolicyKit.Bmp.Wire;

/// <summary>AS_PATH and AS4_PATH segments (RFC 4271 §4.3, RFC 5065 confederations, RFC 6793).</summary>
public static class AsPath
{
    public const byte AsSet = 1;
    public const byte AsSequence = 2;
    public const byte ConfedSequence = 3;
    public const byte ConfedSet = 4;

    /// <summary>RFC 7606 §7.2: every segment has a known type, a non-zero count, and fits.</summary>
    public static bool IsValid(ReadOnlySpan<byte> path, int asSize)
    {
        while (!path.IsEmpty)
        {
            if (path.Length < 2) return false;
            byte type = path[0];
            int count = path[1];
            if (type is < AsSet or > ConfedSet || count == 0) return false;
            int length = 2 + count * asSize;
            if (path.Length < length) return false;
            path = path[length..];
        }
        return true;
    }

    /// <summary>
    /// The path as routers print it: "64500 64501 {64502,64503}", confederation segments in
    /// parentheses. For a 2-octet session (<paramref name="fourOctet"/> false) the AS4_PATH
    /// replaces the trailing ASes of the AS_PATH (RFC 6793 §4.2.3). Invalid input renders as far as it is valid.
    /// </summary>
    public static string Render(ReadOnlySpan<byte> asPath, bool fourOctet, ReadOnlySpan<byte> as4Path)
    {
        var tokens = new List<(string Text, bool Counted)>();
        Tokens(asPath, fourOctet ? 4 : 2, tokens);
        if (!fourOctet && !as4Path.IsEmpty && IsValid(as4Path, 4))
        {
            var tokens4 = new List<(string Text, bool Counted)>();
            Tokens(as4Path, 4, tokens4);
            int n = tokens.Count(t => t.Counted), n4 = tokens4.Count(t => t.Counted);
            if (n4 <= n)
            {
                // Keep the leading (n - n4) counted ASes of AS_PATH (with the uncounted segments among them), then AS4_PATH.
                var merged = new List<(string Text, bool Counted)>();
                int keep = n - n4;
                foreach (var token in tokens)
                {
                    if (token.Counted && keep == 0) break;
                    if (token.Counted) keep--;
                    merged.Add(token);
                }
                merged.AddRange(tokens4);
                tokens = merged;
            }
        }
        return string.Join(' ', tokens.Select(t => t.Text));
    }

    /// <summary>The origin AS: the last AS of the last AS_SEQUENCE segment, or 0 when the path ends otherwise.</summary>
    public static uint OriginAs(ReadOnlySpan<byte> path, int asSize)
    {
        uint origin = 0;
        while (path.Length >= 2)
        {
            byte type = path[0];
            int count = path[1];
            int length = 2 + count * asSize;
            if (count == 0 || path.Length < length) return 0;
            origin = type == AsSequence ? Read(path[(2 + (count - 1) * asSize)..], asSize) : 0;
            path = path[length..];
        }
        return origin;
    }

    private static void Tokens(ReadOnlySpan<byte> path, int asSize, List<(string Text, bool Counted)> tokens)
    {
        while (path.Length >= 2)
        {
            byte type = path[0];
            int count = path[1];
            int length = 2 + count * asSize;
            if (count == 0 || path.Length < length) return;
            var numbers = new string[count];
            for (int i = 0; i < count; i++) numbers[i] = Read(path[(2 + i * asSize)..], asSize).ToString(CultureInfo.InvariantCulture);
            switch (type)
            {
                case AsSequence:
                    foreach (var n in numbers) tokens.Add((n, true));
                    break;
                case AsSet:
                    tokens.Add(("{" + string.Join(',', numbers) + "}", true));
                    break;
                case ConfedSequence:
                    tokens.Add(("(" + string.Join(' ', numbers) + ")", false));
                    break;
                default:
                    tokens.Add(("[" + string.Join(',', numbers) + "]", false));
                    break;
            }
            path = path[length..];
        }
    }

    private static uint Read(ReadOnlySpan<byte> data, int asSize) =>
        asSize == 4 ? BinaryPrimitives.ReadUInt32BigEndian(data) : BinaryPrimitives.ReadUInt16BigEndian(data);

    /// <summary>Encodes one AS_SEQUENCE (used by tests, generators and the bench).</summary>
    public static byte[] Sequence(bool fourOctet, params uint[] ases)
    {
        int size = fourOctet ? 4 : 2;
        var bytes = new byte[2 + ases.Length * size];
        bytes[0] = AsSequence;
        bytes[1] = (byte)ases.Length;
        for (int i = 0; i < ases.Length; i++)
        {
            if (fourOctet) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(2 + i * 4), ases[i]);
            else BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2 + i * 2), (ushort)ases[i]);
        }
        return bytes;
    }
}
