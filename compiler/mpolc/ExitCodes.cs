namespace PolicyKit.Mpolc;

/// <summary>
/// mpolc's exit codes. CI scripts branch on them, so they are part of the interface: "the
/// policy is wrong" (1) must stay distinguishable from "mpolc was called wrong" (2).
/// </summary>
public static class ExitCodes
{
    /// <summary>No errors (warnings allowed, unless --werror made them errors).</summary>
    public const int Success = 0;

    /// <summary>The policy has at least one error.</summary>
    public const int PolicyErrors = 1;

    /// <summary>A usage error (bad option or value) or an input/output error (missing or unreadable file, unwritable output).</summary>
    public const int UsageOrIoError = 2;

    /// <summary>mpolc itself failed: a bug, reported with its stack trace.</summary>
    public const int InternalError = 3;
}
