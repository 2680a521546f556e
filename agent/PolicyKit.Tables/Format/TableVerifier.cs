using System.Security.Cryptography;

namespace PolicyKit.Tables.Format;

/// <summary>
/// The trusted public keys. A reader given a verifier requires every table to be signed by one
/// of them: unsigned tables and signatures by other keys are refused.
/// </summary>
public sealed class TableVerifier : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys;
    private readonly Lock _lock = new();

    private TableVerifier(Dictionary<string, ECDsa> keys) => _keys = keys;

    internal enum Outcome
    {
        Verified,
        UnknownKey,
        BadSignature,
    }

    /// <summary>The ids (hex) of the trusted keys, in ordinal order.</summary>
    public IReadOnlyList<string> KeyIds => _keys.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>From PEM texts, each holding one public key (or a private key, whose public half is used).</summary>
    /// <exception cref="TableKeyException">A text is not a P-256 key; <paramref name="names"/> names it in the message.</exception>
    public static TableVerifier FromPem(IReadOnlyList<string> pems, IReadOnlyList<string>? names = null)
    {
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        try
        {
            for (int i = 0; i < pems.Count; i++)
            {
                string what = names is not null && i < names.Count ? $"'{names[i]}'" : $"trusted key {i + 1}";
                var key = TableKeys.Import(pems[i], what);
                if (!keys.TryAdd(TableKeys.KeyIdText(key), key)) key.Dispose();
            }
        }
        catch
        {
            foreach (var key in keys.Values) key.Dispose();
            throw;
        }
        if (keys.Count == 0) throw new TableKeyException("no trusted key given");
        return new TableVerifier(keys);
    }

    internal Outcome Verify(ReadOnlySpan<byte> keyId, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!_keys.TryGetValue(Convert.ToHexStringLower(keyId), out var key)) return Outcome.UnknownKey;
        try
        {
            lock (_lock)
            {
                return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
                    ? Outcome.Verified
                    : Outcome.BadSignature;
            }
        }
        catch (CryptographicException)
        {
            return Outcome.BadSignature;
        }
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values) key.Dispose();
    }
}
