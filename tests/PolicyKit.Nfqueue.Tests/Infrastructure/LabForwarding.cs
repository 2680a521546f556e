using Xunit.Abstractions;
using Xunit.Sdk;

namespace PolicyKit.Nfqueue.Tests.Infrastructure;

/// <summary>How the lab's edge namespace forwards multicast from the sender link to the receiver link.</summary>
internal enum ForwardingPath
{
    /// <summary>smcroute's static routes in the kernel's multicast routing table (needs CONFIG_IP_MROUTE).</summary>
    Smcroute,

    /// <summary>
    /// An nft rule per group that duplicates the packet out of the receiver link (needs
    /// CONFIG_NFT_DUP_IPV4): for kernels built without multicast routing.
    /// </summary>
    NftDup,
}

/// <summary>
/// Chooses the forwarding path once per test process by asking the kernel, not by assuming the one
/// the tests were written on: smcroute where the kernel routes multicast (the path a real edge box
/// takes), else nft <c>dup</c>. <c>POLICYKIT_TEST_FORWARDING=smcroute|nft-dup</c> forces one, so the
/// nft path can be run on a kernel that has both.
/// <para>Both paths copy a packet only after the enforcer's prerouting hooks accepted it and both
/// send the copy through postrouting, where the enforcer's output-deny set applies: the flow
/// tests assert the same outcomes on either.</para>
/// </summary>
internal static class LabForwarding
{
    public const string Variable = "POLICYKIT_TEST_FORWARDING";

    private static readonly Lazy<(ForwardingPath? Path, string Why)> Choice = new(Choose);

    /// <summary>The path, or a failed assertion with one line naming the kernel options and packages needed.</summary>
    public static ForwardingPath Path
    {
        get
        {
            var (path, why) = Choice.Value;
            Assert.True(path is not null, why);
            return path!.Value;
        }
    }

    /// <summary>One line for the test output: the path and why it was chosen.</summary>
    public static string Description
    {
        get
        {
            var (path, why) = Choice.Value;
            return path switch
            {
                ForwardingPath.Smcroute => "live flow tests forward multicast with smcroute (kernel multicast routing); " + why,
                ForwardingPath.NftDup => "live flow tests forward multicast with nft dup; " + why,
                _ => "live flow tests cannot forward multicast: " + why,
            };
        }
    }

    /// <summary>The kernel has multicast routing: /proc/net/ip_mr_vif exists only with CONFIG_IP_MROUTE (a bool option, never a module).</summary>
    public static bool KernelRoutesMulticast => File.Exists("/proc/net/ip_mr_vif");

    private static (ForwardingPath?, string) Choose()
    {
        string? forced = Environment.GetEnvironmentVariable(Variable);
        switch (forced)
        {
            case "smcroute":
                return KernelRoutesMulticast
                    ? (ForwardingPath.Smcroute, $"forced by {Variable}")
                    : (null, $"{Variable}=smcroute, but {KernelConfig.Describe("CONFIG_IP_MROUTE")}: unset {Variable} to use nft dup");
            case "nft-dup":
                return NftDupWorks(out string refused)
                    ? (ForwardingPath.NftDup, $"forced by {Variable}")
                    : (null, $"{Variable}=nft-dup, but the kernel refuses nft dup ({KernelConfig.Describe("CONFIG_NFT_DUP_IPV4")}): {refused}");
            case null or "":
                break;
            default:
                return (null, $"{Variable}={forced}: use smcroute or nft-dup (or leave it unset to choose by the kernel)");
        }
        if (KernelRoutesMulticast) return (ForwardingPath.Smcroute, "the kernel has CONFIG_IP_MROUTE");
        if (NftDupWorks(out string error)) return (ForwardingPath.NftDup, KernelConfig.Describe("CONFIG_IP_MROUTE"));
        return (null, $"the kernel has neither multicast routing ({KernelConfig.Describe("CONFIG_IP_MROUTE")}) nor nft dup ({KernelConfig.Describe("CONFIG_NFT_DUP_IPV4")}; nft said: {error}): "
            + "run the tests on a kernel built with CONFIG_IP_MROUTE (and apt-get install smcroute) or CONFIG_NFT_DUP_IPV4");
    }

    /// <summary>Asks the kernel (<c>nft -c</c> in a namespace of its own) whether it accepts a dup rule.</summary>
    private static bool NftDupWorks(out string error)
    {
        RealParts.Require("ip", "nft");
        using var lab = new Lab();
        string ns = lab.Namespace("p");
        string script = lab.File("probe.nft", Forwarder("lo", "lo", ["232.0.0.1"]));
        var r = lab.Exec(ns, "nft", "-c", "-f", script);
        error = r.Error.Trim();
        return r.Ok;
    }

    /// <summary>
    /// The nft forwarder: a copy of each group's packets arriving on <paramref name="from"/> is sent
    /// out of <paramref name="to"/>, addressed to the group itself (so the copy carries the group's
    /// multicast MAC). Priority 0 runs after the enforcer's prerouting chains (-160, and the mangle
    /// queue at -150), so only what they accepted is copied; nft decrements the copy's TTL like a
    /// router would. The copy leaves through output and postrouting (where the enforcer's output-deny
    /// set drops it, as it drops a routed copy). One rule a line: nft 1.0.6 rejects a rule and the
    /// closing brace on one line, and <c>fwd</c> is a keyword, so the chain is not named so.
    /// </summary>
    public static string Forwarder(string from, string to, IEnumerable<string> groups)
    {
        var rules = string.Concat(groups.Select(g => $"\t\tiifname \"{from}\" ip daddr {g} dup to {g} device \"{to}\"\n"));
        return $"table ip pklab_forwarder {{\n\tchain copies {{\n\t\ttype filter hook prerouting priority 0; policy accept;\n{rules}\t}}\n}}\n";
    }
}

/// <summary>
/// Says once per test run, in its output, which forwarding path the live flow tests use on this
/// machine (an xunit diagnostic message, enabled in xunit.runner.json).
/// </summary>
public sealed class LabForwardingReport
{
    private static int _reported;

    public LabForwardingReport(IMessageSink sink)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0) sink.OnMessage(new DiagnosticMessage(LabForwarding.Description));
    }
}
