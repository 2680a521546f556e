using System.Globalization;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// AS-path regular expressions in the Cisco/FRR dialect, where <c>_</c> matches an AS boundary
/// (start, end, space, brace, comma): a path that carries an ASN of a class, and a path longer
/// than N ASNs. ASN ranges become decimal alternations (64512–65534 →
/// <c>645(1[2-9]|[2-9][0-9])|…</c>), the form every platform's regex engine takes.
/// </summary>
public static class AsPathRegex
{
    /// <summary>Matches a path with any ASN of the class, anywhere in it.</summary>
    public static string Carrying(AsnClass kind) =>
        "_(" + string.Join("|", AsnRanges.Of(kind).SelectMany(r => Range(r.Low, r.High))) + ")_";

    /// <summary>Matches a path of more than <paramref name="maxLength"/> ASNs (prepends counted, as every platform counts them).</summary>
    public static string LongerThan(int maxLength) => "^" + string.Concat(Enumerable.Repeat("[0-9]+_", maxLength)) + "[0-9]+";

    /// <summary>Matches a path whose first AS is <paramref name="asn"/>.</summary>
    public static string FirstAs(long asn) => "^" + asn.ToString(CultureInfo.InvariantCulture) + "_";

    /// <summary>Alternatives (no anchors) matching exactly the decimal numbers low..high.</summary>
    public static IEnumerable<string> Range(ulong low, ulong high)
    {
        // Split where the number of digits changes; each piece is a same-length range.
        while (low <= high)
        {
            int digits = low.ToString(CultureInfo.InvariantCulture).Length;
            ulong top = digits >= 20 ? ulong.MaxValue : (ulong)Math.Pow(10, digits) - 1;
            ulong end = Math.Min(top, high);
            foreach (var pattern in SameLength(low.ToString(CultureInfo.InvariantCulture), end.ToString(CultureInfo.InvariantCulture))) yield return pattern;
            if (end == high) yield break;
            low = end + 1;
        }
    }

    private static IEnumerable<string> SameLength(string low, string high)
    {
        if (low == high)
        {
            yield return low;
            yield break;
        }
        int i = 0;
        while (low[i] == high[i]) i++;
        string prefix = low[..i];
        int rest = low.Length - i - 1;
        string any = string.Concat(Enumerable.Repeat("[0-9]", rest));
        bool lowFromZero = low[(i + 1)..].All(c => c == '0');
        bool highToNine = high[(i + 1)..].All(c => c == '9');
        char start = low[i], stop = high[i];
        if (!lowFromZero)
        {
            foreach (var p in SameLength(low, prefix + low[i] + new string('9', rest))) yield return p;
            start++;
        }
        if (!highToNine) stop--;
        if (start <= stop) yield return prefix + Digits(start, stop) + any;
        if (!highToNine)
        {
            foreach (var p in SameLength(prefix + high[i] + new string('0', rest), high)) yield return p;
        }
    }

    private static string Digits(char start, char stop) => start == stop ? start.ToString() : $"[{start}-{stop}]";
}
