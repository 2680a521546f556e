using System.Reflection;

namespace PolicyKit.Compiler.Output;

/// <summary>Name, version and documentation links of the tool, as reports (SARIF) and <c>mpolc --version</c> show them.</summary>
public static class ToolInfo
{
    public const string Name = "mpolc";

    /// <summary>
    /// Where the documentation is: the repository's docs/ folder, which ships beside mpolc (the
    /// build copies docs/*.md into its folder, the .NET tool package holds them too), as a
    /// <c>file://</c> address — SARIF wants absolute URIs, and the project has no web host to
    /// point at. A CI that publishes SARIF sets <see cref="DocsUriVariable"/> to where it serves
    /// the repository's docs/ (e.g. https://github.com/ORG/REPO/blob/main/docs/).
    /// </summary>
    public static string DocsUri(Func<string, string?> environment) =>
        environment(DocsUriVariable) is { Length: > 0 } configured
            ? (configured.EndsWith('/') ? configured : configured + "/")
            : new Uri(Path.Combine(AppContext.BaseDirectory, "docs") + Path.DirectorySeparatorChar).AbsoluteUri;

    /// <summary>The environment variable naming where docs/ is served (<see cref="DocsUri"/>).</summary>
    public const string DocsUriVariable = "MPOLC_DOCS_URI";

    /// <summary>The project's documentation home (docs/), for SARIF's informationUri.</summary>
    public static string InformationUri => DocsUri(Environment.GetEnvironmentVariable);

    /// <summary>The informational version (e.g. <c>0.1.0</c> or <c>0.1.0+commit</c>) of the compiler library, which ships with mpolc.</summary>
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolInfo).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>The documentation of one diagnostic code: docs/diagnostics.md and the anchor of its section.</summary>
    public static string DiagnosticHelpUri(string code) => DiagnosticHelpUri(code, InformationUri);

    /// <summary>The documentation of one diagnostic code under <paramref name="docsUri"/> (docs/ with a trailing slash).</summary>
    public static string DiagnosticHelpUri(string code, string docsUri) => $"{docsUri}diagnostics.md#{DiagnosticDocsAnchors.Of(code)}";
}
