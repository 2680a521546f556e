namespace PolicyKit.Agent.Cli;

/// <summary>mpol-agent's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>Ran and stopped cleanly (SIGTERM, Ctrl+C, or a replay finished with exit_when_done).</summary>
    public const int Ok = 0;

    /// <summary>`status`: the agent is offline or unreachable.</summary>
    public const int Offline = 1;

    /// <summary>Bad configuration, a table that cannot be used at start, bad usage.</summary>
    public const int ConfigOrUsage = 2;

    /// <summary>A bug.</summary>
    public const int Internal = 3;
}
