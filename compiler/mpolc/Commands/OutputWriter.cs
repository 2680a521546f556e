using PolicyKit.Compiler.Emit;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// Writes generated files: atomically (temp file, then rename) and 0600 when they hold secrets.
/// A binary file (the agent's table) is written as its bytes.
/// </summary>
internal static class OutputWriter
{
    public static void Write(string outputDir, EmittedFile file, bool secret)
    {
        string directory = Path.Combine(outputDir, file.Device);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, file.FileName);
        string temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Created with the final mode, so a secret is never readable by others, not even briefly.
            options.UnixCreateMode = secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }
        File.Delete(temp);
        using (var stream = new FileStream(temp, options))
        {
            if (file.Bytes is { } bytes)
            {
                stream.Write(bytes);
            }
            else
            {
                using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false));
                writer.Write(file.Content);
            }
        }
        File.Move(temp, path, overwrite: true);
    }
}
