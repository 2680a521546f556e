using System.Numerics;
using System.Security.Cryptography;
using PolicyKit.Agent.Runtime;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Tables.Format;

namespace PolicyKit.Agent.Tests.Runtime;

/// <summary>
/// Rollback protection (issue 14, finding 4): a validly signed older table does not replace a
/// newer one on reload. Tables carry a serial (the signing time, or mpolc compile --serial N); a
/// reload must not go below the serial in force unless agent.allow_rollback says so.
/// </summary>
public sealed class RollbackTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _keyPath;
    private readonly string _policy = Path.Combine(RepoPaths.Examples, "broadband-edge.mpol");

    public RollbackTests()
    {
        _keyPath = _dir.File("signing.pem");
        File.WriteAllText(_keyPath, _key.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose()
    {
        _key.Dispose();
        _dir.Dispose();
    }

    /// <summary>The broadband example's table for pe-agg-1, signed, with the serial given (and the policy changed so every serial is a different table).</summary>
    private byte[] Signed(long serial)
    {
        string policy = _dir.File($"bb-{serial}.mpol");
        File.WriteAllText(policy, File.ReadAllText(_policy).Replace("igmp { limit 2 except channel-guide; }", $"igmp {{ limit {2 + serial % 5} except channel-guide; }}"));
        return File.ReadAllBytes(TestTables.Compile(policy, "pe-agg-1", _dir.File($"out-{serial}"), "--sign", _keyPath, "--serial", serial.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private (AgentRuntime Runtime, RecordingSink Sink, string Path) Start(byte[] table, bool allowRollback = false)
    {
        string path = _dir.File("pe-agg-1.mpt");
        File.WriteAllBytes(path, table);
        var verifier = TableVerifier.FromPem([_key.ExportSubjectPublicKeyInfoPem()]);
        var sink = new RecordingSink();
        var runtime = new AgentRuntime(new RuntimeOptions { TablePath = path, Verifier = verifier, AllowRollback = allowRollback }, sink, TextWriter.Null);
        Assert.True(runtime.TryStart(out string error), error);
        return (runtime, sink, path);
    }

    [Fact]
    public void A_validly_signed_older_table_is_refused_on_reload()
    {
        byte[] older = Signed(101), newer = Signed(202);
        var (runtime, sink, path) = Start(newer);
        Assert.Equal(202, runtime.Table!.Serial);

        File.WriteAllBytes(path, older);
        Assert.False(runtime.Reload("sighup", out string message));
        Assert.Contains("the table's serial 101 is lower than the serial 202 of the table in force", message, StringComparison.Ordinal);
        Assert.Equal(202, runtime.Table!.Serial);
        var refused = Assert.Single(sink.Events(runtime.Topics.Events, "table-refused"));
        Assert.Contains("allow_rollback", refused.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // A newer one still goes in, and an equal serial (the same build signed again) too.
        File.WriteAllBytes(path, Signed(303));
        Assert.True(runtime.Reload("sighup", out message), message);
        Assert.Equal(303, runtime.Table!.Serial);
    }

    [Fact]
    public void An_unnumbered_table_after_a_numbered_one_is_an_older_table()
    {
        var (runtime, _, path) = Start(Signed(500));
        string unnumbered = TestTables.Compile(_policy, "pe-agg-1", _dir.File("plain"));
        using var signer = TableSigner.FromPem(_key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(path, signer.Sign(File.ReadAllBytes(unnumbered)));
        Assert.False(runtime.Reload("file-change", out string message));
        Assert.Contains("serial 0 is lower than the serial 500", message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_allow_rollback_an_older_table_is_taken()
    {
        byte[] older = Signed(7);
        var (runtime, _, path) = Start(Signed(8), allowRollback: true);
        File.WriteAllBytes(path, older);
        Assert.True(runtime.Reload("sighup", out string message), message);
        Assert.Equal(7, runtime.Table!.Serial);
    }

    /// <summary>
    /// ECDSA signatures are malleable: (r, s) and (r, n−s) both verify. The table's identity is
    /// its checksum (header and body, not the trailer), so the re-encoded signature is the same
    /// table — "unchanged" — not a new one, and no serial check can be bypassed with it.
    /// </summary>
    [Fact]
    public void A_signature_rewritten_as_n_minus_s_is_the_same_table()
    {
        byte[] table = Signed(900);
        var (runtime, _, path) = Start(table);
        byte[] malleated = (byte[])table.Clone();
        var order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
        var s = new BigInteger(malleated.AsSpan(malleated.Length - 32), isUnsigned: true, isBigEndian: true);
        (order - s).TryWriteBytes(malleated.AsSpan(malleated.Length - 32), out _, isUnsigned: true, isBigEndian: true);
        Assert.False(malleated.AsSpan().SequenceEqual(table));
        using var verifier = TableVerifier.FromPem([_key.ExportSubjectPublicKeyInfoPem()]);
        Assert.True(TableReader.Load(malleated, verifier).File.Signature!.Verified);

        string checksum = runtime.Table!.Checksum;
        File.WriteAllBytes(path, malleated);
        Assert.True(runtime.Reload("sighup", out string message));   // not an error: nothing to do
        Assert.StartsWith("table unchanged", message, StringComparison.Ordinal);
        Assert.Equal(checksum, runtime.Table!.Checksum);
    }

    [Fact]
    public void Mpolc_stamps_the_signing_time_as_the_serial()
    {
        long before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string path = TestTables.Compile(_policy, "pe-agg-1", _dir.File("timed"), "--sign", _keyPath);
        long after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        Assert.InRange(TableReader.Read(File.ReadAllBytes(path)).Header.Serial, before, after);
        // Unsigned and without --serial: deterministic bytes, no serial.
        Assert.Equal(0, TableReader.Read(File.ReadAllBytes(TestTables.Compile(_policy, "pe-agg-1", _dir.File("plain")))).Header.Serial);
    }
}
