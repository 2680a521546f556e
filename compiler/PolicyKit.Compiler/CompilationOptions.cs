namespace PolicyKit.Compiler;

/// <summary>Options of one check/compile run.</summary>
public sealed record CompilationOptions
{
    /// <summary>The date key ages and validity windows are judged against (mpolc --today).</summary>
    public DateOnly Today { get; init; } = DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>--werror: every warning counts as an error.</summary>
    public bool WarningsAsErrors { get; init; }

    /// <summary>
    /// --allow-unsupported: a construct the device's platform cannot express (MP4001) is a warning
    /// and the generated file carries a marked comment instead of the construct.
    /// </summary>
    public bool AllowUnsupported { get; init; }

    /// <summary>
    /// --include-dir: folders besides the policy's own folder tree (and std/) that includes may
    /// read from (<see cref="Syntax.IncludeScope"/>).
    /// </summary>
    public IReadOnlyList<string> IncludeDirectories { get; init; } = [];

    /// <summary>
    /// --rpsl: files or folders of RPSL objects (route, route6, as-set) that IRR-built sets
    /// without an 'rpsl' of their own are resolved from; their folders may be read too.
    /// </summary>
    public IReadOnlyList<string> RpslPaths { get; init; } = [];

    /// <summary>
    /// The targets a compile writes (null for `mpolc check`: every target). MP4001 is about a
    /// device's configuration: when no selected target writes the configuration of a device's
    /// platform (say `--target agent` alone), what that platform cannot express blocks nothing.
    /// </summary>
    public IReadOnlySet<string>? Targets { get; init; }
}
