using PolicyKit.Engine;
using PolicyKit.Tables.Model;

namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>A Linux interface as the enforcer uses it: its name, the policy's name for it, its engine id, its subnets.</summary>
public sealed class ResolvedInterface(uint index, string linuxName, string policyName, InterfaceId id, IReadOnlyList<(Address Network, int Length)> subnets)
{
    public uint Index { get; } = index;

    public string LinuxName { get; } = linuxName;

    public string PolicyName { get; } = policyName;

    public InterfaceId Id { get; } = id;

    /// <summary>The interface's own subnets: a source inside one is directly connected (<c>ip multicast limit connected</c>).</summary>
    public IReadOnlyList<(Address Network, int Length)> Subnets { get; } = subnets;

    public bool IsConnected(in Address source)
    {
        foreach (var (network, length) in Subnets)
        {
            if (network.Family != source.Family) continue;
            int bits = network.Family == AddressFamily.V4 ? 32 : 128;
            if (length <= 0) return true;
            UInt128 mask = length >= bits ? UInt128.MaxValue : ~(UInt128.MaxValue >> length);
            if (network.Family == AddressFamily.V4) mask = (mask >> 96) & 0xffff_ffff;
            if ((source.Value & mask) == (network.Value & mask)) return true;
        }
        return false;
    }
}
