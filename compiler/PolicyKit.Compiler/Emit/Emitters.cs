using PolicyKit.Compiler.Emit.Cisco;
using PolicyKit.Compiler.Emit.Frr;
using PolicyKit.Compiler.Emit.Junos;
using PolicyKit.Compiler.Emit.Nftables;

namespace PolicyKit.Compiler.Emit;

/// <summary>Every configuration backend, in one explicit table (the --target names).</summary>
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

    public static IEnumerable<string> Targets => All.Select(e => e.Target);
}
