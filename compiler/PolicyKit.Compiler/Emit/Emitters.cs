using PolicyKit.Compiler.Emit.Cisco;

namespace PolicyKit.Compiler.Emit;

/// <summary>Every configuration backend, in one explicit table (the --target names).</summary>
public static class Emitters
{
    public static readonly IReadOnlyList<ConfigEmitter> All =
    [
        new IosXeEmitter(),
    ];

    public static ConfigEmitter? Find(string target) => All.FirstOrDefault(e => e.Target == target);

    public static IEnumerable<string> Targets => All.Select(e => e.Target);
}
