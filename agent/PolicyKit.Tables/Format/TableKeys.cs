using System.Security.Cryptography;

namespace PolicyKit.Tables.Format;

/// <summary>A key for signing or verifying tables could not be used; the message says why, without the key's content.</summary>
public sealed class TableKeyException(string message) : Exception(message);

/// <summary>Loading ECDSA P-256 keys from PEM, and the key id tables carry.</summary>
public static class TableKeys
{
    private const string P256Oid = "1.2.840.10045.3.1.7";

    /// <summary>
    /// Imports one EC key from PEM text ("PUBLIC KEY", "PRIVATE KEY" or "EC PRIVATE KEY"; other
    /// blocks such as "EC PARAMETERS" are ignored) and checks that it is on P-256.
    /// </summary>
    public static ECDsa Import(string pem, string what)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            throw new TableKeyException($"{what} is an encrypted private key; decrypt it first (openssl pkey -in KEY -out PLAIN)");
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: false);
            if (!IsP256(parameters.Curve))
                throw new TableKeyException($"{what} is not on curve P-256 (prime256v1), which table signatures use");
            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new TableKeyException($"{what} is not an ECDSA P-256 key in PEM form (expected a PUBLIC KEY, PRIVATE KEY or EC PRIVATE KEY block)");
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static bool IsP256(ECCurve curve) =>
        curve.IsNamed && (curve.Oid.Value == P256Oid || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256" or "prime256v1" or "secp256r1");

    /// <summary>The key id: SHA-256 of the public key's DER SubjectPublicKeyInfo (as <c>openssl pkey -pubout -outform DER | sha256sum</c>).</summary>
    public static byte[] KeyId(ECDsa key) => SHA256.HashData(key.ExportSubjectPublicKeyInfo());

    public static string KeyIdText(ECDsa key) => Convert.ToHexStringLower(KeyId(key));
}
