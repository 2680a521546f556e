using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// One line of a packet filter in one address family: what ACL entries, firewall terms and
/// nftables rules are made of. A null address means any. <see cref="Source"/> is the packet's
/// (or the channel's) source, <see cref="Destination"/> its destination (or group).
/// </summary>
/// <remarks>A struct: a large filter lowers to hundreds of thousands of these, each rendered once and dropped.</remarks>
public readonly record struct LoweredRule(
    RuleAction Action,
    IpPrefix? Source,
    IpPrefix? Destination,
    ProtocolMatch? Protocol,
    IgmpMessageType? IgmpType,
    int? Port,
    bool Log,
    SourceSpan Span);
