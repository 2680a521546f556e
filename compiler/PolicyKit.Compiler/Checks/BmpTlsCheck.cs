using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// The BMP-over-TLS profile: mutual TLS is required (MP3018), with the CA to verify routers and
/// the station's own certificate and key (MP3026); TLS 1.2 and 1.3 only (MP3019); no
/// integrity-only (NULL) ciphers (MP3020). Plain BMP is a warning (MP3025).
/// </summary>
public sealed class BmpTlsCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var station in context.Model.Devices.SelectMany(d => d.BmpStations))
        {
            var tls = station.Tls;
            if (tls is null || tls.Mode == TlsMode.Off)
            {
                context.Diagnostics.Add(tls?.Span ?? station.NameSpan, c => c.BmpPlaintext(station.Name));
                continue;
            }
            if (tls.Mode == TlsMode.ServerOnly)
            {
                context.Diagnostics.Add(tls.Span, c => c.BmpTlsNotMutual(station.Name, "server-only"));
            }
            else
            {
                var missing = new[] { ("ca", tls.Ca), ("cert", tls.Cert), ("key", tls.Key) }.Where(x => x.Item2 is null).Select(x => x.Item1).ToList();
                if (missing.Count > 0) context.Diagnostics.Add(tls.Span, c => c.BmpTlsIncomplete(station.Name, string.Join(", ", missing)));
            }
            if (tls.MinVersion is { } version && version is not ("1.2" or "1.3"))
            {
                context.Diagnostics.Add(tls.Span, c => c.TlsVersionTooLow(version));
            }
            foreach (var cipher in tls.Ciphers)
            {
                if (IsIntegrityOnly(cipher)) context.Diagnostics.Add(tls.Span, c => c.IntegrityOnlyCipher(cipher));
            }
        }
    }

    /// <summary>NULL-encryption suites: TLS_RSA_WITH_NULL_SHA256, TLS_SHA256_SHA256 (RFC 9150), eNULL...</summary>
    public static bool IsIntegrityOnly(string cipher)
    {
        string upper = cipher.ToUpperInvariant();
        return upper.Contains("NULL", StringComparison.Ordinal) ||
               upper is "TLS_SHA256_SHA256" or "TLS_SHA384_SHA384";
    }
}
