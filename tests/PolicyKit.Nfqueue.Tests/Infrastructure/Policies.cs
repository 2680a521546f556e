using PolicyKit.Compiler;
using PolicyKit.Compiler.Emit.Agent;

namespace PolicyKit.Nfqueue.Tests.Infrastructure;

/// <summary>Compiles policies to agent tables (.mpt) the test host loads: the shipped examples, or a small test policy.</summary>
internal static class Policies
{
    public static readonly DateOnly Today = new(2026, 11, 23);

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (System.IO.Directory.Exists(Path.Combine(dir.FullName, "policies", "examples"))) return dir.FullName;
            }
            throw new InvalidOperationException("policies/examples not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>policies/examples/NAME.mpol compiled for <paramref name="device"/>, written to <paramref name="directory"/>.</summary>
    public static string Example(string name, string device, string directory) =>
        Compile(Path.Combine(RepositoryRoot, "policies", "examples", name + ".mpol"), device, directory, reader: null);

    /// <summary>A policy given as text (no includes), compiled for <paramref name="device"/>.</summary>
    public static string FromText(string text, string device, string directory)
    {
        string path = Path.Combine(directory, "test.mpol");
        File.WriteAllText(path, text);
        return Compile(path, device, directory, reader: null);
    }

    private static string Compile(string path, string device, string directory, IPolicyFileReader? reader)
    {
        var result = PolicyCompiler.Check(path, new CompilationOptions { Today = Today, AllowUnsupported = true }, reader);
        var errors = result.Diagnostics.Where(d => d.IsError).ToList();
        Assert.True(errors.Count == 0, $"{path} has errors:\n" + string.Join("\n", errors.Select(d => $"{d.Span} {d.Code} {d.Message}")));
        var model = result.Model!;
        var d = model.FindDevice(device) ?? throw new InvalidOperationException($"{path} has no device {device}");
        var emitted = AgentTableEmitter.Emit(model, d);
        string output = Path.Combine(directory, device + ".mpt");
        File.WriteAllBytes(output, emitted.Bytes!);
        return output;
    }
}
