using PolicyKit.Compiler.Emit.Agent;
using PolicyKit.Compiler.Emit.IosXe;
using PolicyKit.Compiler.Emit.IosXr;
using PolicyKit.Compiler.Emit.Frr;
using PolicyKit.Compiler.Emit.Junos;
using PolicyKit.Compiler.Emit.Nftables;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Every configuration backend, in one explicit table, and the --target names: the backends'
/// targets, then <c>agent</c> (<see cref="AgentTableEmitter"/>: the admission table, written
/// for every device whatever its platform).
/// </summary>
public static class Emitters
{
    public static readonly IReadOnlyList<ConfigEmitter> All =
    [
        new IosXeEmitter(),
        new IosXrEmitter(),
        new JunosEmitter(),
        new FrrEmitter(),
        new NftablesEmitter(),
    ];

    public static ConfigEmitter? Find(string target) => All.FirstOrDefault(e => e.Target == target);

    public static IEnumerable<string> Targets => All.Select(e => e.Target).Append(AgentTableEmitter.Target);

    /// <summary>Whether <paramref name="target"/> is a --target name (a backend's, or agent).</summary>
    public static bool IsTarget(string target) => target == AgentTableEmitter.Target || Find(target) is not null;
}
