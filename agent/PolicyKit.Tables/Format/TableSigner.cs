using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PolicyKit.Tables.Format;

/// <summary>
/// Signs tables with an ECDSA P-256 private key. Signing sets the header's signed flag,
/// recomputes the checksum and appends the trailer: algorithm, key id, and the signature over
/// every byte before the trailer (header, body, checksum).
/// </summary>
public sealed class TableSigner : IDisposable
{
    private readonly ECDsa _key;
    private readonly byte[] _keyId;

    private TableSigner(ECDsa key)
    {
        _key = key;
        _keyId = TableKeys.KeyId(key);
    }

    /// <summary>The id of the signing key (hex), as the trailer and <c>mpolc inspect</c> show it.</summary>
    public string KeyId => Convert.ToHexStringLower(_keyId);

    /// <summary>From PEM text holding the private key ("PRIVATE KEY" or "EC PRIVATE KEY").</summary>
    /// <exception cref="TableKeyException">Not a P-256 private key.</exception>
    public static TableSigner FromPem(string pem, string what = "the signing key")
    {
        var key = TableKeys.Import(pem, what);
        try
        {
            key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            key.Dispose();
            throw new TableKeyException($"{what} is a public key; signing needs the private key");
        }
        return new TableSigner(key);
    }

    /// <summary>Takes ownership of <paramref name="key"/>, which must be a P-256 private key.</summary>
    public static TableSigner FromKey(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return FromPem(key.ExportPkcs8PrivateKeyPem(), "the signing key");
    }

    /// <summary>Signs an unsigned table (as <see cref="TableWriter.Write"/> returns it).</summary>
    /// <exception cref="TableFormatException">The input is not a valid table, or is signed already.</exception>
    public byte[] Sign(ReadOnlySpan<byte> unsignedTable)
    {
        var frame = TableReader.ReadFrame(unsignedTable);
        if (frame.Signed) throw new TableFormatException(TableError.Signature, "the table is signed already");

        var signed = new byte[frame.TrailerOffset + TableFormat.SignatureTrailerLength];
        unsignedTable[..frame.ChecksumOffset].CopyTo(signed);
        BinaryPrimitives.WriteUInt32LittleEndian(signed.AsSpan(TableFormat.FlagsOffset), frame.Flags | TableFormat.FlagSigned);
        SHA256.HashData(signed.AsSpan(0, frame.ChecksumOffset), signed.AsSpan(frame.ChecksumOffset, TableFormat.ChecksumLength));

        var trailer = signed.AsSpan(frame.TrailerOffset);
        trailer[0] = TableFormat.SignatureEcdsaP256Sha256;
        _keyId.CopyTo(trailer[1..]);
        int written = _key.SignData(signed.AsSpan(0, frame.TrailerOffset), trailer[(1 + TableFormat.KeyIdLength)..],
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        if (written != TableFormat.EcdsaP256SignatureLength) throw new CryptographicException($"unexpected ECDSA P-256 signature length {written}");
        return signed;
    }

    public void Dispose() => _key.Dispose();
}
