using System.Reflection;

namespace PolicyKit.Compiler.Output;

/// <summary>Name, version and documentation links of the tool, as reports (SARIF) and <c>mpolc --version</c> show them.</summary>
public static class ToolInfo
{
    public const string Name = "mpolc";

    /// <summary>
    /// The project's public home. PolicyKit has no published address yet; SARIF requires
    /// absolute URIs for <c>informationUri</c> and <c>helpUri</c>, so this reserved-domain
    /// placeholder stands in. It is the one place to change when the project is published.
    /// </summary>
    public const string InformationUri = "https://policykit.example/";

    /// <summary>Where docs/diagnostics.md is published; each code has an anchor (<c>#mp1001</c>).</summary>
    public const string DiagnosticsDocumentUri = InformationUri + "docs/diagnostics.md";

    /// <summary>The informational version (e.g. <c>0.1.0</c> or <c>0.1.0+commit</c>) of the compiler library, which ships with mpolc.</summary>
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolInfo).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>The documentation of one diagnostic code: docs/diagnostics.md#mpNNNN.</summary>
    public static string DiagnosticHelpUri(string code) => $"{DiagnosticsDocumentUri}#{code.ToLowerInvariant()}";
}
