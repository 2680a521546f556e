namespace PolicyKit.Agent.Tests.Support;

/// <summary>The repository root (the folder holding PolicyKit.sln), found from the test assembly's folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "PolicyKit.sln"))) return d.FullName;
        }
        throw new InvalidOperationException($"PolicyKit.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Root => LazyRoot.Value;

    public static string Examples => Path.Combine(Root, "policies", "examples");

    public static string Traces => Path.Combine(Examples, "traces");
}
