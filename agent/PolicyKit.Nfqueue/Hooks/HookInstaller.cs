namespace PolicyKit.Nfqueue.Hooks;

/// <summary>
/// Installs and removes one instance's netfilter hooks (<see cref="HookPlan"/>). <see cref="Install"/>
/// first removes whatever a crashed run of the same instance left (crash recovery), then creates the
/// nft table and, without the nft queue statement, the iptables-nft queue chains and their jumps; on
/// a failure it removes what it made and throws a <see cref="HookException"/>. <see cref="Remove"/>
/// deletes exactly this instance's objects: its jump rules (found by listing PREROUTING, so a jump
/// left by a run with other interfaces goes too), its chains, its table.
/// </summary>
public sealed class HookInstaller(HookOptions options, ICommandRunner? runner = null)
{
    private readonly ICommandRunner _run = runner ?? ProcessCommandRunner.Default;

    public HookOptions Options { get; } = options;

    /// <summary>The plan installed (null before <see cref="Install"/>).</summary>
    public HookPlan? Installed { get; private set; }

    /// <summary>Whether the kernel has the nft queue statement (CONFIG_NFT_QUEUE): asks it with <c>nft -c</c>.</summary>
    public bool DetectNftQueue()
    {
        var result = _run.Run("nft", ["-c", "-f", "-"], HookPlan.NftQueueProbe(Options.InstanceId));
        if (result.ExitCode == 127) throw new HookException(result.Error);
        return result.Ok;
    }

    public HookPlan Install()
    {
        Options.Validate();
        bool nftQueue = Options.PreferNftQueue && DetectNftQueue();
        var plan = new HookPlan(Options, nftQueue);
        Remove();
        try
        {
            Check(_run.Run("nft", ["-f", "-"], plan.NftScript()), "nft -f (create table " + Options.TableName + ")");
            foreach (var (tool, arguments) in plan.IptablesCommands())
                Check(_run.Run(tool, arguments), tool + " " + string.Join(' ', arguments));
        }
        catch
        {
            Remove();
            throw;
        }
        Installed = plan;
        return plan;
    }

    /// <summary>Removes this instance's objects, whatever is left of them. Returns what it removed (for logs).</summary>
    public IReadOnlyList<string> Remove()
    {
        var removed = new List<string>();
        // Both families, whatever this run's setting: an earlier run may have hooked IPv6.
        foreach (var tool in new[] { "iptables-nft", "ip6tables-nft" })
        {
            var listing = _run.Run(tool, ["-w", "-t", "mangle", "-S", "PREROUTING"]);
            if (listing.ExitCode == 127)
            {
                if (tool == "ip6tables-nft" && !Options.Ipv6) continue;
                throw new HookException(listing.Error);
            }
            if (listing.Ok)
            {
                foreach (var line in listing.Output.Split('\n'))
                {
                    var words = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    // "-A PREROUTING [-i IF] -j PK_id": ours only when the jump target is exactly our chain.
                    int j = Array.IndexOf(words, "-j");
                    if (words.Length < 2 || words[0] != "-A" || j < 0 || j + 1 >= words.Length || words[j + 1] != Options.ChainName || j + 2 != words.Length) continue;
                    var delete = new List<string> { "-w", "-t", "mangle", "-D" };
                    delete.AddRange(words.Skip(1));
                    if (_run.Run(tool, delete).Ok) removed.Add($"{tool}: {line.Trim()}");
                }
            }
            if (_run.Run(tool, ["-w", "-t", "mangle", "-S", Options.ChainName]).Ok)
            {
                _run.Run(tool, ["-w", "-t", "mangle", "-F", Options.ChainName]);
                if (_run.Run(tool, ["-w", "-t", "mangle", "-X", Options.ChainName]).Ok) removed.Add($"{tool}: chain {Options.ChainName}");
            }
        }
        if (_run.Run("nft", ["list", "table", "inet", Options.TableName]).Ok)
        {
            var deleted = _run.Run("nft", ["delete", "table", "inet", Options.TableName]);
            if (!deleted.Ok) throw new HookException($"nft delete table inet {Options.TableName}: {deleted.Error}");
            removed.Add("nft: table inet " + Options.TableName);
        }
        Installed = null;
        return removed;
    }

    private static void Check(CommandResult result, string what)
    {
        if (!result.Ok) throw new HookException($"{what} failed (exit {result.ExitCode}): {FirstLines(result.Error.Length > 0 ? result.Error : result.Output)}");
    }

    private static string FirstLines(string text)
    {
        var lines = text.Split('\n');
        return lines.Length <= 4 ? text : string.Join('\n', lines.Take(4)) + " …";
    }
}
