namespace PolicyKit.Agent.Tests.Support;

/// <summary>Compiles policies to agent tables with the real mpolc (in-process), as an operator would.</summary>
internal static class TestTables
{
    /// <summary>Compiles <paramref name="policyPath"/> for <paramref name="device"/> into <paramref name="outDir"/>; returns the .mpt path.</summary>
    public static string Compile(string policyPath, string device, string outDir, params string[] extra)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args = ["compile", policyPath, "--target", "agent", "-o", outDir, "--today", "2026-11-23", .. extra];
        int code = PolicyKit.Mpolc.Program.Run(args, stdout, stderr);
        Assert.True(code == 0, $"mpolc {string.Join(' ', args)} exited {code}:\n{stderr}\n{stdout}");
        string table = Path.Combine(outDir, device, device + ".mpt");
        Assert.True(File.Exists(table), $"mpolc wrote no {table}; it wrote: {string.Join(", ", Directory.GetFiles(outDir, "*", SearchOption.AllDirectories))}");
        return table;
    }

    /// <summary>The broadband example's table for pe-agg-1.</summary>
    public static string BroadbandEdge(string outDir) =>
        Compile(Path.Combine(RepoPaths.Examples, "broadband-edge.mpol"), "pe-agg-1", outDir);
}
