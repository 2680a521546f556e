using PolicyKit.Compiler.Emit;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>-o -</c>: the generated files go to standard output instead of a folder, for a pipe
/// (<c>mpolc compile p.mpol -t frr -o - | vtysh -f /dev/stdin</c>). One file is written as it
/// is; several text files each follow a <c>==> DEVICE/FILE &lt;==</c> line, as head(1) does.
/// The binary agent table is refused (a table is deployed as a file; a folder keeps its name).
/// </summary>
internal static class StandardOutput
{
    public const string Name = "-";

    /// <summary>Writes the files to stdout; returns an error message instead when they cannot go there.</summary>
    public static string? TryWrite(CliContext context, IReadOnlyList<EmittedFile> files)
    {
        var binary = files.FirstOrDefault(f => f.IsBinary);
        if (binary is not null)
        {
            return $"-o - writes text configurations to standard output, but {binary.RelativePath} is a binary agent table; leave out --target agent or write to a folder";
        }
        foreach (var file in files)
        {
            if (files.Count > 1) context.Out.Write($"==> {file.RelativePath} <==\n");
            context.Out.Write(file.Content);
        }
        context.Out.Flush();
        return null;
    }
}
