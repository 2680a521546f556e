using System.Globalization;
using System.Text;

namespace PolicyKit.Bench;

/// <summary>
/// A synthetic IRR export the size of a large registry's slice: <see cref="Routes"/> route and
/// route6 objects (one in five IPv6) from 20,000 origin ASNs, and the as-set AS-BENCH with
/// 5,000 members — 4,900 ASNs and 100 nested as-sets of one ASN each, the last of which names
/// AS-BENCH again (a cycle, as real data has). Deterministic: the same text every run.
/// </summary>
public static class IrrDump
{
    public const int Routes = 100_000;
    public const int Origins = 20_000;
    public const int DirectMembers = 4_900;
    public const int NestedSets = 100;
    public const string AsSet = "AS-BENCH";
    private const uint FirstAsn = 100_000;

    public static string Generate()
    {
        var text = new StringBuilder(Routes * 110);
        text.Append("% synthetic IRR export for IrrBenchmarks\n\n");
        text.Append("as-set:         ").Append(AsSet).Append('\n');
        text.Append("descr:          5,000 members\n");
        for (int i = 0; i < DirectMembers; i += 10)
        {
            text.Append(i == 0 ? "members:        " : "+               ");
            for (int j = i; j < Math.Min(i + 10, DirectMembers); j++) text.Append(j == i ? "" : ", ").Append("AS").Append(FirstAsn + (uint)j);
            text.Append('\n');
        }
        for (int k = 0; k < NestedSets; k++) text.Append("members:        AS-BENCH-SUB-").Append(k).Append('\n');
        text.Append("source:         BENCH\n\n");
        for (int k = 0; k < NestedSets; k++)
        {
            text.Append("as-set:         AS-BENCH-SUB-").Append(k).Append('\n');
            text.Append("members:        AS").Append(FirstAsn + DirectMembers + (uint)k);
            if (k == NestedSets - 1) text.Append(", ").Append(AsSet);
            text.Append("\nsource:         BENCH\n\n");
        }
        for (int i = 0; i < Routes; i++)
        {
            uint origin = FirstAsn + (uint)(i % Origins);
            if (i % 5 == 4)
            {
                text.Append(CultureInfo.InvariantCulture, $"route6:         2a00:{i >> 16:x}:{i & 0xffff:x}::/48\n");
            }
            else
            {
                uint network = 0x0B000000u + ((uint)i << 8);
                text.Append(CultureInfo.InvariantCulture, $"route:          {network >> 24}.{(network >> 16) & 255}.{(network >> 8) & 255}.0/24\n");
            }
            text.Append("descr:          synthetic route\n");
            text.Append("origin:         AS").Append(origin).Append('\n');
            text.Append("mnt-by:         MAINT-BENCH\nsource:         BENCH\n\n");
        }
        return text.ToString();
    }
}
