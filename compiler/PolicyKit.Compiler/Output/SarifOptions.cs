namespace PolicyKit.Compiler.Output;

/// <summary>Settings of a SARIF log that depend on where and by what it is produced.</summary>
public sealed record SarifOptions
{
    public string ToolName { get; init; } = ToolInfo.Name;

    public string ToolVersion { get; init; } = ToolInfo.Version;

    public string InformationUri { get; init; } = ToolInfo.InformationUri;

    /// <summary>The documentation address of a diagnostic code.</summary>
    public Func<string, string> HelpUri { get; init; } = ToolInfo.DiagnosticHelpUri;

    /// <summary>
    /// The directory file URIs are made relative to. Code-scanning services resolve a
    /// relative URI against the repository root, which is where CI runs mpolc; a file outside
    /// it is written as an absolute <c>file://</c> URI instead.
    /// </summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;
}
