namespace PolicyKit.Agent.Runtime;

/// <summary>
/// Whether stderr is connected to systemd's journal: systemd sets JOURNAL_STREAM=DEVICE:INODE for
/// the stream it connected, and a process compares it with its own stderr (sd_journal_stream_fd(3))
/// so a child whose stderr was redirected elsewhere does not think it logs to the journal. Then
/// each line starts with a syslog priority, <c>&lt;3&gt;</c> error … <c>&lt;7&gt;</c> debug, which
/// journald strips and files the line under (journalctl -p warning shows warnings and errors).
/// </summary>
internal static class JournalStream
{
    /// <summary>True when JOURNAL_STREAM names the inode of this process's stderr.</summary>
    public static bool IsStderr(Func<string, string?> environment, string stderrLink = "/proc/self/fd/2")
    {
        if (environment("JOURNAL_STREAM") is not { } stream) return false;
        int colon = stream.IndexOf(':');
        if (colon <= 0 || !ulong.TryParse(stream.AsSpan(colon + 1), out ulong inode)) return false;
        string? target;
        try
        {
            // "socket:[12345]" (journald's stream) or "pipe:[…]"; a file or a terminal has no brackets.
            target = new FileInfo(stderrLink).LinkTarget;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        if (target is null) return false;
        int open = target.IndexOf(":[", StringComparison.Ordinal);
        return open > 0 && target.EndsWith(']') && ulong.TryParse(target.AsSpan(open + 2, target.Length - open - 3), out ulong own) && own == inode;
    }

    /// <summary>The syslog priority of a level, as sd-daemon(3) prefixes write it.</summary>
    public static string Prefix(AgentLogLevel level) => level switch
    {
        AgentLogLevel.Error => "<3>",
        AgentLogLevel.Warn => "<4>",
        AgentLogLevel.Info => "<6>",
        _ => "<7>",
    };
}
