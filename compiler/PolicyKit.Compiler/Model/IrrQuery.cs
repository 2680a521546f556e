using System.Globalization;
using System.Text;

namespace PolicyKit.Compiler.Model;

/// <summary>
/// What an IRR-built prefixes set asks of the RPSL data: the object whose prefixes it takes (an
/// as-set, expanded through its nested sets, or a single ASN) and how they are shaped into a
/// prefix list. Plain data; <see cref="Key"/> is how the lock file recognises the same question.
/// </summary>
public sealed record IrrQuery(string ObjectName, int? MaxLengthV4, int? MaxLengthV6, bool Aggregate, int Limit)
{
    /// <summary>The size guard when the set names none: more entries than this is an error (MP2058).</summary>
    public const int DefaultLimit = 10_000;

    /// <summary>The most a set may raise its guard to.</summary>
    public const int MaxLimit = 1_000_000;

    /// <summary>The question as one line (the object name in upper case: RPSL names are case-insensitive).</summary>
    public string Key
    {
        get
        {
            var key = new StringBuilder(ObjectName.ToUpperInvariant());
            if (MaxLengthV4 is { } v4) key.Append(CultureInfo.InvariantCulture, $" max-length-ipv4 {v4}");
            if (MaxLengthV6 is { } v6) key.Append(CultureInfo.InvariantCulture, $" max-length-ipv6 {v6}");
            if (Aggregate) key.Append(" aggregate");
            key.Append(CultureInfo.InvariantCulture, $" limit {Limit}");
            return key.ToString();
        }
    }

    /// <summary>The longest prefix accepted for a family (null: exactly the registered prefixes).</summary>
    public int? MaxLengthOf(IpFamily family) => family == IpFamily.V4 ? MaxLengthV4 : MaxLengthV6;
}
