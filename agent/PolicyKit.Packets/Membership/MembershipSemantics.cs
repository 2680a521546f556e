namespace PolicyKit.Packets.Membership;

/// <summary>
/// What a membership message means as changes of (*,G) and (S,G) membership on the interface it
/// arrived on. A pure function of the message, the same for IGMP and MLD:
/// <list type="table">
/// <item><term>IGMPv1/v2 report, MLDv1 report</term><description>Join(*,G)</description></item>
/// <item><term>IGMPv2 leave, MLDv1 done</term><description>Leave(*,G)</description></item>
/// <item><term>MODE_IS_EXCLUDE, CHANGE_TO_EXCLUDE</term><description>Join(*,G). Listed sources
///   are exclusions from an ASM join: it is still an ASM join, and no (S,G) change is made.</description></item>
/// <item><term>CHANGE_TO_INCLUDE({})</term><description>Leave(*,G) (RFC 3376 §6.4.2: TO_IN({}) is a leave).</description></item>
/// <item><term>CHANGE_TO_INCLUDE(S…)</term><description>Leave(*,G) (the ASM membership ends), then Join(S,G) per source.</description></item>
/// <item><term>MODE_IS_INCLUDE(S…), ALLOW_NEW_SOURCES(S…)</term><description>Join(S,G) per source; with no sources: nothing.</description></item>
/// <item><term>BLOCK_OLD_SOURCES(S…)</term><description>Leave(S,G) per source.</description></item>
/// <item><term>unknown record type, queries, other IGMP</term><description>nothing.</description></item>
/// </list>
/// Current-state records (IS_IN, IS_EX) are refreshes: a join of an existing entry, which the
/// engine never denies. Changes come in packet order; each carries its record index, source
/// index (−1 for (*,G)) and keep-mask slot, so a caller decides per change and
/// <see cref="ReportRewriter"/> removes exactly the denied ones.
/// </summary>
public static class MembershipSemantics
{
    /// <summary>The changes of <paramref name="message"/>, allocation-free.</summary>
    public static MembershipChangeEnumerator Changes(scoped in MembershipMessage message) => message.Changes;

    /// <summary>Number of changes (walks the message).</summary>
    public static int Count(scoped in MembershipMessage message)
    {
        var n = 0;
        foreach (var _ in message.Changes) n++;
        return n;
    }
}
