namespace PolicyKit.Mpolc.Commands;

/// <summary>--color: when the text format uses ANSI colour.</summary>
internal enum ColorMode
{
    /// <summary>When stdout is a terminal, NO_COLOR is unset or empty, and TERM is not "dumb".</summary>
    Auto,
    Always,
    Never,
}
