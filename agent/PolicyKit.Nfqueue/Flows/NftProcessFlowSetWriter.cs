using System.Diagnostics;
using System.Globalization;
using PolicyKit.Tables.Model;

namespace PolicyKit.Nfqueue.Flows;

/// <summary>
/// The alternative to <see cref="NetlinkFlowSetWriter"/>, kept to measure against: one persistent
/// <c>nft -e -i</c> child (under <c>stdbuf -oL</c>: nft's stdout is a block-buffered pipe otherwise)
/// fed a command per element on stdin; with <c>-e</c> (echo) nft prints what it did and then
/// "# new generation N", which is read back as the acknowledgement. Errors come on stderr and are
/// only noticed as a missing echo (then a timeout): one reason the netlink writer is the one used.
/// </summary>
public sealed class NftProcessFlowSetWriter : IFlowSetWriter
{
    private readonly Process _nft;
    private readonly TimeSpan _timeout;

    public NftProcessFlowSetWriter(string table, IReadOnlyList<string>? prefix = null, TimeSpan? timeout = null)
    {
        Table = table;
        _timeout = timeout ?? TimeSpan.FromSeconds(5);
        var start = new ProcessStartInfo
        {
            FileName = prefix is { Count: > 0 } ? prefix[0] : "stdbuf",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (prefix is { Count: > 0 })
        {
            foreach (var p in prefix.Skip(1)) start.ArgumentList.Add(p);
            start.ArgumentList.Add("stdbuf");
        }
        start.ArgumentList.Add("-oL");
        start.ArgumentList.Add("nft");
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add("-i");
        _nft = Process.Start(start) ?? throw new InvalidOperationException("could not start nft (Debian package nftables)");
        _nft.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) LastError = e.Data; };
        _nft.BeginErrorReadLine();
    }

    public string Table { get; }

    /// <summary>The last line nft wrote on stderr.</summary>
    public string? LastError { get; private set; }

    public void Add(FlowSet set, in FlowKey key, TimeSpan timeout) =>
        Command($"add element inet {Table} {FlowKey.SetName(set, key.Family)} {{ {Element(key)} timeout {(long)Math.Ceiling(timeout.TotalMilliseconds)}ms }}");

    public void Delete(FlowSet set, in FlowKey key) =>
        Command($"delete element inet {Table} {FlowKey.SetName(set, key.Family)} {{ {Element(key)} }}");

    public void Flush(FlowSet set, AddressFamily family) =>
        Command($"flush set inet {Table} {FlowKey.SetName(set, family)}");

    private static string Element(in FlowKey key) => string.Create(CultureInfo.InvariantCulture, $"\"{key.Interface}\" . {key.Source} . {key.Group}");

    private void Command(string line)
    {
        _nft.StandardInput.WriteLine(line);
        _nft.StandardInput.Flush();
        var deadline = DateTime.UtcNow + _timeout;
        while (true)
        {
            var read = _nft.StandardOutput.ReadLineAsync();
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !read.Wait(left) || read.Result is null)
                throw new InvalidOperationException($"nft: no answer to '{line}' within {_timeout.TotalSeconds:0} s{(LastError is null ? string.Empty : ": " + LastError)}");
            if (read.Result.StartsWith("# new generation", StringComparison.Ordinal)) return;
        }
    }

    public void Dispose()
    {
        try
        {
            _nft.StandardInput.Close();
            if (!_nft.WaitForExit(2000)) _nft.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _nft.Dispose();
    }
}
