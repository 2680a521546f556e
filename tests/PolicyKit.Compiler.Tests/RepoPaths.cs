namespace PolicyKit.Compiler.Tests;

/// <summary>
/// Where the repository is, for tests that read its real files (example policies, the standard
/// library, the grammar). Found by walking up from the test assembly's folder to the folder that
/// holds PolicyKit.sln, so it works from bin/Debug/…, bin/Release/… and any CI checkout.
/// </summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The repository root (the folder containing PolicyKit.sln).</summary>
    public static string Root => LazyRoot.Value;

    public static string Examples => Path.Combine(Root, "policies", "examples");

    public static string Std => Path.Combine(Root, "policies", "std");

    public static string Grammar => Path.Combine(Root, "grammar");

    /// <summary>The committed generated parser (compiler/PolicyKit.Compiler/Generated).</summary>
    public static string GeneratedParser => Path.Combine(Root, "compiler", "PolicyKit.Compiler", "Generated");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "PolicyKit.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"PolicyKit.sln not found in any folder above {AppContext.BaseDirectory}");
    }
}
