using System.Security.Cryptography;
using System.Text.Json;
using PolicyKit.Tables.Format;
using PolicyKit.Tables.Model;

namespace PolicyKit.Tables.Tests;

/// <summary>
/// Format 1.2, the audit section: which scopes report "would deny" instead of denying. A table
/// without it reads as enforce and keeps its 1.1 bytes; a table with it is marked must-understand,
/// so an agent that predates audit refuses it (and keeps the table it has) instead of enforcing
/// what the policy only wants watched.
/// </summary>
public sealed class AuditTests
{
    /// <summary>The full test table with its first interface and the whole device in audit.</summary>
    private static AdmissionTable Audited(bool device = true)
    {
        var table = TestTables.Full();
        var interfaces = table.Interfaces.SetItem(0, table.Interfaces[0] with { AuditLocation = 1 }).SetItem(2, table.Interfaces[2] with { AuditLocation = 3 });
        return table with { Interfaces = interfaces, Router = table.Router with { AuditLocation = device ? 0 : -1 } };
    }

    /// <summary>What a 1.1 agent knew: it refused a must-understand flag outside these (TableFormat.KnownFlags of 1.1).</summary>
    private const uint KnownFlagsOf11 = TableFormat.FlagSigned | TableFormat.FlagEnforces11;

    [Fact]
    public void Audit_scopes_round_trip()
    {
        foreach (bool device in new[] { true, false })
        {
            var table = Audited(device);
            var loaded = TableReader.Load(TableWriter.Write(table));
            Assert.Equal(table, loaded.Table);
            Assert.Equal(device ? 0 : -1, loaded.Table.Router.AuditLocation);
            Assert.Equal([1, -1, 3], loaded.Table.Interfaces.Select(i => i.AuditLocation));
            Assert.Equal("1.2", loaded.File.Version);
            Assert.Contains(loaded.File.Sections, s => s.Id == SectionId.Audit && s.Name == "audit" && !s.Skipped);
        }
    }

    [Fact]
    public void A_table_without_audit_reads_as_enforce_and_keeps_its_1_1_bytes()
    {
        var table = TestTables.Full();
        byte[] bytes = TableWriter.Write(table);
        var loaded = TableReader.Load(bytes);
        Assert.Equal("1.1", loaded.File.Version);
        Assert.Equal(0u, loaded.File.Flags & TableFormat.FlagAudit12);
        Assert.DoesNotContain(loaded.File.Sections, s => s.Id == SectionId.Audit);
        Assert.Equal(-1, loaded.Table.Router.AuditLocation);
        Assert.All(loaded.Table.Interfaces, i => Assert.False(i.InAudit));
        // Exactly the bytes a 1.1 writer made: the sections it knew, minor 1, its flags.
        Assert.Equal(TableWriter.Assemble(1, 1, TableFormat.FlagEnforces11, TableWriter.EncodeSections(table)), bytes);
    }

    [Fact]
    public void An_agent_that_predates_audit_refuses_an_audit_table_instead_of_enforcing_it()
    {
        byte[] bytes = TableWriter.Write(Audited());
        uint flags = TableReader.Load(bytes).File.Flags;
        Assert.Equal(TableFormat.FlagAudit12, flags & TableFormat.FlagAudit12);
        // Must-understand, and unknown to a 1.1 reader: it refuses the table at the flags check,
        // before it could skip section 14 (the last section it knows is 13) and enforce.
        Assert.NotEqual(0u, TableFormat.FlagAudit12 & TableFormat.MustUnderstandFlags);
        Assert.NotEqual(0u, flags & TableFormat.MustUnderstandFlags & ~KnownFlagsOf11);
        Assert.True(SectionId.Audit > SectionId.MsdpOrigination);

        // The same refusal this reader gives for the next must-understand bit it does not know.
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(TableBytes.WithFlags(bytes, flags | (1u << 3))));
        Assert.Equal(TableError.UnsupportedFeature, e.Error);
        Assert.Equal("the table uses features this agent does not understand (flags 0x0008 of format 1.2); upgrade mpol-agent", e.Message);
    }

    [Fact]
    public void A_signed_audit_table_verifies_and_its_flag_is_covered_by_the_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = TableSigner.FromPem(key.ExportPkcs8PrivateKeyPem());
        using var verifier = TableVerifier.FromPem([key.ExportSubjectPublicKeyInfoPem()]);
        byte[] bytes = TableWriter.Write(Audited(), signer);
        var loaded = TableReader.Load(bytes, verifier);
        Assert.Equal(Audited(), loaded.Table);
        Assert.Equal(TableFormat.FlagSigned | TableFormat.FlagEnforces11 | TableFormat.FlagAudit12, loaded.File.Flags);

        // Clearing the audit flag (to slip the table past an old agent) breaks the checksum, and with
        // a recomputed checksum, the signature.
        var stripped = (byte[])bytes.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(stripped.AsSpan(TableFormat.FlagsOffset), loaded.File.Flags & ~TableFormat.FlagAudit12);
        Assert.Equal(TableError.ChecksumMismatch, Assert.Throws<TableFormatException>(() => TableReader.Read(stripped, verifier)).Error);
        Assert.Equal(TableError.Signature, Assert.Throws<TableFormatException>(() => TableReader.Read(TableBytes.FixChecksum(stripped), verifier)).Error);
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x01, 0x06, 0x02 }, "interface 3 does not exist (3 interfaces)")]     // device -1; interface 3, location 1
    [InlineData(new byte[] { 0x01, 0x02, 0x00, 0x02, 0x00, 0x04 }, "interface 0 is listed twice")]
    [InlineData(new byte[] { 0x01, 0x01, 0x00, 0x01 }, "interface 0 is listed without a location")]
    public void A_malformed_audit_section_is_refused_with_a_clear_message(byte[] payload, string message)
    {
        // Values are zigzag varints (0x00 = 0, 0x01 = -1, 0x02 = 1, 0x04 = 2, 0x06 = 3); the count is a plain varint.
        var sections = TableWriter.EncodeSections(TestTables.Full());
        sections.Add((SectionId.Audit, payload));
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(TableWriter.Assemble(1, 2, TableFormat.FlagEnforces11 | TableFormat.FlagAudit12, sections)));
        Assert.Equal(TableError.Malformed, e.Error);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("section audit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_audit_location_outside_the_table_is_refused()
    {
        var table = TestTables.Full();
        var forged = table with { Router = table.Router with { AuditLocation = 99 } };
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(TableWriter.Assemble(1, 2, TableFormat.FlagEnforces11 | TableFormat.FlagAudit12, TableWriter.EncodeSections(forged))));
        Assert.Contains("the device's audit refers to location 99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_shows_the_scopes_in_audit()
    {
        var table = Audited();
        string text = TableText.Render(table);
        Assert.Contains("AUDIT            the whole device: every deny is reported as would-deny and admitted  (policies/a.mpol:1:1)", text, StringComparison.Ordinal);
        Assert.Contains("    AUDIT: its rules' denies are reported as would-deny and admitted  (policies/a.mpol:2:5)", text, StringComparison.Ordinal);
        Assert.DoesNotContain("AUDIT", TableText.Render(TestTables.Full()), StringComparison.Ordinal);

        using var json = JsonDocument.Parse(TableJson.Render(table));
        var root = json.RootElement;
        Assert.Equal("policies/a.mpol:1:1", root.GetProperty("router").GetProperty("audit").GetString());
        Assert.Equal("policies/a.mpol:2:5", root.GetProperty("interfaces")[0].GetProperty("audit").GetString());
        Assert.False(root.GetProperty("interfaces")[1].TryGetProperty("audit", out _));
    }
}
