using System.Security.Cryptography;
using PolicyKit.Tables.Format;

namespace PolicyKit.Tables.Tests;

/// <summary>ECDSA P-256 signatures: the right key verifies; a wrong key, a changed byte, or no signature where one is required are refused.</summary>
public sealed class SignatureTests : IDisposable
{
    private readonly ECDsa _key = Keys.NewKey();
    private readonly ECDsa _otherKey = Keys.NewKey();

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    private TableSigner Signer() => TableSigner.FromPem(_key.ExportPkcs8PrivateKeyPem());

    private static TableVerifier Trusting(params ECDsa[] keys) => TableVerifier.FromPem(keys.Select(k => k.ExportSubjectPublicKeyInfoPem()).ToList());

    [Fact]
    public void Signed_table_verifies_with_the_right_key()
    {
        using var signer = Signer();
        using var verifier = Trusting(_key);
        byte[] bytes = TableWriter.Write(TestTables.Full(), signer);

        var loaded = TableReader.Load(bytes, verifier);
        Assert.Equal(TestTables.Full(), loaded.Table);
        Assert.NotNull(loaded.File.Signature);
        Assert.True(loaded.File.Signature!.Verified);
        Assert.Equal(TableFormat.SignatureEcdsaP256Sha256, loaded.File.Signature.Algorithm);
        Assert.Equal(signer.KeyId, loaded.File.Signature.KeyId);
        Assert.Equal(TableFormat.FlagSigned | TableFormat.FlagEnforces11, loaded.File.Flags);   // the full table uses 1.1 enforcement sections
    }

    [Fact]
    public void Key_id_is_the_sha256_of_the_subject_public_key_info()
    {
        using var signer = Signer();
        string expected = Convert.ToHexStringLower(SHA256.HashData(_key.ExportSubjectPublicKeyInfo()));
        Assert.Equal(expected, signer.KeyId);
        using var verifier = Trusting(_key, _otherKey);
        Assert.Contains(expected, verifier.KeyIds);
        Assert.Equal(2, verifier.KeyIds.Count);
    }

    [Fact]
    public void Signature_covers_everything_before_it()
    {
        using var signer = Signer();
        byte[] bytes = TableWriter.Write(TestTables.Minimal(), signer);
        int trailer = bytes.Length - TableFormat.SignatureTrailerLength;
        Assert.Equal(TableFormat.SignatureEcdsaP256Sha256, bytes[trailer]);
        Assert.True(_key.VerifyData(bytes.AsSpan(0, trailer), bytes.AsSpan(trailer + 1 + TableFormat.KeyIdLength),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void Signed_table_is_refused_with_a_wrong_key()
    {
        using var signer = Signer();
        using var verifier = Trusting(_otherKey);
        byte[] bytes = TableWriter.Write(TestTables.Full(), signer);
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(bytes, verifier));
        Assert.Equal(TableError.Signature, e.Error);
        Assert.StartsWith("signature does not verify with any trusted key", e.Message, StringComparison.Ordinal);
        Assert.Contains(signer.KeyId, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signature_by_any_trusted_key_is_accepted()
    {
        using var signer = Signer();
        using var verifier = Trusting(_otherKey, _key);
        Assert.True(TableReader.Load(TableWriter.Write(TestTables.Minimal(), signer), verifier).File.Signature!.Verified);
    }

    [Fact]
    public void Changed_body_byte_is_refused_even_with_a_recomputed_checksum()
    {
        using var signer = Signer();
        using var verifier = Trusting(_key);
        byte[] bytes = TableWriter.Write(TestTables.Full(), signer);
        bytes[TableFormat.HeaderLength + 10] ^= 0x01;

        // As damaged: the checksum catches it first.
        Assert.Equal(TableError.ChecksumMismatch, Assert.Throws<TableFormatException>(() => TableReader.Read(bytes, verifier)).Error);

        // As forged, with the checksum made to match: the signature catches it.
        var forged = TableBytes.FixChecksum(bytes);
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(forged, verifier));
        Assert.Equal(TableError.Signature, e.Error);
        Assert.StartsWith("signature does not verify with any trusted key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Changed_signature_byte_is_refused_with_trusted_keys()
    {
        using var signer = Signer();
        using var verifier = Trusting(_key);
        byte[] bytes = TableWriter.Write(TestTables.Full(), signer);
        bytes[^1] ^= 0x01;
        Assert.StartsWith("signature does not verify with any trusted key",
            Assert.Throws<TableFormatException>(() => TableReader.Read(bytes, verifier)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsigned_table_is_refused_when_signatures_are_required()
    {
        using var verifier = Trusting(_key);
        var e = Assert.Throws<TableFormatException>(() => TableReader.Read(TableWriter.Write(TestTables.Full()), verifier));
        Assert.Equal(TableError.Signature, e.Error);
        Assert.Equal("unsigned table but signatures are required", e.Message);
    }

    [Fact]
    public void Stripped_signature_is_refused_when_signatures_are_required()
    {
        // Removing the trailer and clearing the flag (with a new checksum) gives a valid unsigned table — which is refused.
        using var signer = Signer();
        using var verifier = Trusting(_key);
        byte[] signed = TableWriter.Write(TestTables.Full(), signer);
        byte[] stripped = TableBytes.WithFlags(signed[..^TableFormat.SignatureTrailerLength], 0);
        Assert.Equal(TestTables.Full(), TableReader.Read(stripped));
        Assert.Equal("unsigned table but signatures are required", Assert.Throws<TableFormatException>(() => TableReader.Read(stripped, verifier)).Message);
    }

    [Fact]
    public void Signed_table_reads_without_trusted_keys_unverified()
    {
        using var signer = Signer();
        var loaded = TableReader.Load(TableWriter.Write(TestTables.Full(), signer));
        Assert.Equal(TestTables.Full(), loaded.Table);
        Assert.False(loaded.File.Signature!.Verified);
        Assert.Equal(signer.KeyId, loaded.File.Signature.KeyId);
    }

    [Fact]
    public void Unknown_signature_algorithm_is_refused_with_trusted_keys()
    {
        using var signer = Signer();
        using var verifier = Trusting(_key);
        byte[] bytes = TableWriter.Write(TestTables.Minimal(), signer);
        bytes[^TableFormat.SignatureTrailerLength] = 9;
        Assert.Contains("signature algorithm 9 is not supported", Assert.Throws<TableFormatException>(() => TableReader.Read(bytes, verifier)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Signing_checks_its_input()
    {
        using var signer = Signer();
        byte[] signed = TableWriter.Write(TestTables.Minimal(), signer);
        Assert.Equal("the table is signed already", Assert.Throws<TableFormatException>(() => signer.Sign(signed)).Message);
        Assert.Equal(TableError.BadMagic, Assert.Throws<TableFormatException>(() => signer.Sign("not a table"u8)).Error);
        byte[] corrupt = TableWriter.Write(TestTables.Minimal());
        corrupt[25] ^= 1;
        Assert.Equal(TableError.ChecksumMismatch, Assert.Throws<TableFormatException>(() => signer.Sign(corrupt)).Error);
    }

    [Fact]
    public void Signatures_are_randomised_but_always_verify()
    {
        using var signer = Signer();
        using var verifier = Trusting(_key);
        byte[] a = TableWriter.Write(TestTables.Full(), signer);
        byte[] b = TableWriter.Write(TestTables.Full(), signer);
        Assert.Equal(a[..^64], b[..^64]);
        Assert.NotEqual(a, b);
        TableReader.Read(a, verifier);
        TableReader.Read(b, verifier);
    }

    [Fact]
    public void Keys_load_from_every_pem_form()
    {
        byte[] table = TableWriter.Write(TestTables.Minimal());
        foreach (string pem in new[] { _key.ExportPkcs8PrivateKeyPem(), _key.ExportECPrivateKeyPem(), "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + _key.ExportECPrivateKeyPem() })
        {
            using var signer = TableSigner.FromPem(pem);
            // A private key also serves as a trusted key (its public half is used).
            using var verifier = TableVerifier.FromPem([pem]);
            Assert.True(TableReader.Load(signer.Sign(table), verifier).File.Signature!.Verified);
        }
    }

    [Fact]
    public void Unusable_keys_are_refused_with_a_clear_message()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        var cases = new (string Pem, string Message)[]
        {
            (p384.ExportPkcs8PrivateKeyPem(), "is not on curve P-256"),
            (rsa.ExportPkcs8PrivateKeyPem(), "is not an ECDSA P-256 key in PEM form"),
            ("garbage", "is not an ECDSA P-256 key in PEM form"),
            ("", "is not an ECDSA P-256 key in PEM form"),
            (_key.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)), "is an encrypted private key"),
        };
        foreach (var (pem, message) in cases)
        {
            Assert.Contains(message, Assert.Throws<TableKeyException>(() => TableSigner.FromPem(pem, "'key.pem'")).Message, StringComparison.Ordinal);
            Assert.Contains(message, Assert.Throws<TableKeyException>(() => TableVerifier.FromPem([pem], ["key.pem"])).Message, StringComparison.Ordinal);
        }
        Assert.Equal("'pub.pem' is a public key; signing needs the private key",
            Assert.Throws<TableKeyException>(() => TableSigner.FromPem(_key.ExportSubjectPublicKeyInfoPem(), "'pub.pem'")).Message);
        Assert.Throws<TableKeyException>(() => TableVerifier.FromPem([]));
    }
}
