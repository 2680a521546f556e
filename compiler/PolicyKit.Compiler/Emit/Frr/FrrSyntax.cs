using System.Globalization;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>How FRR 8.4 configurations write names, actions and times.</summary>
public static class FrrSyntax
{
    public static string Action(RuleAction action) => action == RuleAction.Permit ? "permit" : "deny";

    /// <summary>
    /// PK-NAME[-SUFFIX] in upper case, the convention of every PolicyKit backend, with only the
    /// characters FRR's WORD tokens and the language's names share (letters, digits, - _ .).
    /// </summary>
    public static string NameFor(string policyName, string? suffix = null)
    {
        var chars = policyName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? char.ToUpperInvariant(c) : '-').ToArray();
        string name = "PK-" + new string(chars);
        return suffix is null ? name : $"{name}-{suffix}";
    }

    /// <summary>Whole minutes, at least 1 and at most <paramref name="max"/> (FRR's damping and restart timers are in minutes).</summary>
    public static long Minutes(TimeSpan value, long max = long.MaxValue) =>
        Math.Min(max, Math.Max(1, (long)Math.Ceiling(value.TotalMinutes)));

    /// <summary>An integer percentage for FRR's maximum-prefix threshold (1–100), rounded half away from zero.</summary>
    public static int Percent(Percent value) =>
        (int)Math.Clamp(Math.Round(value.Value, MidpointRounding.AwayFromZero), 1m, 100m);

    public static string Address(IpPrefix prefix) => prefix.NetworkAddress.ToString();

    public static string Family(IpFamily family) => family == IpFamily.V4 ? "ipv4" : "ipv6";

    public static string PrefixListKeyword(IpFamily family) => family == IpFamily.V4 ? "ip" : "ipv6";

    /// <summary>Free text (a description) on one line: control characters become spaces, so text can never start a command of its own.</summary>
    public static string Text(string text) => new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
