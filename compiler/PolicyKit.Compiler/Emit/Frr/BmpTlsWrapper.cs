using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit.Frr;

/// <summary>
/// BMP over TLS for FRR, whose BMP client speaks plain TCP only: bgpd connects to a local port
/// where socat listens and carries the session to the station over mutual TLS (the router is the
/// TLS client, as the BMP-over-TLS draft has it). This class picks that local port and writes
/// the socat command line the operator runs next to FRR.
/// </summary>
public static class BmpTlsWrapper
{
    /// <summary>Where the wrapper's certificate files live on the box (deployed by the operator).</summary>
    public const string PkiDirectory = "/etc/frr/pki";

    public const string LocalAddress = "127.0.0.1";

    /// <summary>
    /// Local ports for the TLS stations of a device, in station order: the station's port plus
    /// 30000 (11019 → 41019) or minus 30000 when that would pass 65535, moved up past ports
    /// already taken. Derived from the policy alone, so every compile gives the same ports.
    /// </summary>
    public static Dictionary<BmpStation, int> LocalPorts(IEnumerable<BmpStation> tlsStations)
    {
        var ports = new Dictionary<BmpStation, int>();
        var taken = new HashSet<int>();
        foreach (var station in tlsStations)
        {
            int port = station.Port + 30000 <= 65535 ? station.Port + 30000 : station.Port - 30000;
            while (!taken.Add(port)) port = port >= 65535 ? 1025 : port + 1;
            ports[station] = port;
        }
        return ports;
    }

    /// <summary>The socat command that listens on <paramref name="localPort"/> and connects to the station over TLS.</summary>
    public static string Command(string deviceName, BmpStation station, TlsSettings tls, int localPort, out List<string> notes)
    {
        notes = [];
        string host = station.Address is { } address
            ? address.Family == IpFamily.V6 ? $"[{FrrSyntax.Address(address)}]" : FrrSyntax.Address(address)
            : LocalAddress;
        var options = new List<string>();
        // The router verifies the station's certificate against the policy's CA (the draft's one
        // organisational root signs the station and the routers) and presents its own.
        options.Add($"cafile={PkiDirectory}/{FileNameOf(tls.Ca, $"{station.Name}-ca.pem")}");
        if (tls.Mode == TlsMode.Mutual)
        {
            string own = FrrSyntax.NameFor(deviceName)["PK-".Length..].ToLowerInvariant();
            options.Add($"cert={PkiDirectory}/{own}-bmp-client.crt");
            options.Add($"key={PkiDirectory}/{own}-bmp-client.key");
        }
        options.Add("verify=1");
        var tls12 = new List<string>();
        bool onlyTls13 = tls.Ciphers.Length > 0;
        foreach (var cipher in tls.Ciphers)
        {
            if (Tls13Suites.Contains(cipher)) continue;
            onlyTls13 = false;
            if (OpenSslNames.TryGetValue(cipher, out var openssl)) tls12.Add(openssl);
            else if (!cipher.StartsWith("TLS_", StringComparison.Ordinal)) tls12.Add(cipher);
            else notes.Add($"cipher {cipher} has no OpenSSL name here: add it to ciphers= by hand");
        }
        string minimum = onlyTls13 || tls.MinVersion == "1.3" ? "TLS1.3" : "TLS1.2";
        options.Add($"openssl-min-proto-version={minimum}");
        if (tls12.Count > 0 && minimum == "TLS1.2") options.Add($"ciphers={string.Join(':', tls12)}");
        if (tls.Ciphers.Any(Tls13Suites.Contains)) notes.Add("TLS 1.3 suites are OpenSSL's defaults (all AEAD); socat 1.7 cannot narrow them");
        return $"socat TCP-LISTEN:{localPort},bind={LocalAddress},reuseaddr,fork OPENSSL-CONNECT:{host}:{station.Port},{string.Join(',', options)}";
    }

    private static string FileNameOf(SecretRef? reference, string fallback) =>
        reference is { Source: SecretSource.File } file ? Path.GetFileName(file.Reference) : fallback;

    private static readonly HashSet<string> Tls13Suites = new(StringComparer.Ordinal)
    {
        "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256",
    };

    /// <summary>IANA → OpenSSL names of the TLS 1.2 AEAD suites with certificate authentication (openssl ciphers -stdname).</summary>
    private static readonly Dictionary<string, string> OpenSslNames = new(StringComparer.Ordinal)
    {
        ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-ECDSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-RSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-ECDSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-RSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"] = "ECDHE-ECDSA-CHACHA20-POLY1305",
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"] = "ECDHE-RSA-CHACHA20-POLY1305",
        ["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"] = "DHE-RSA-AES256-GCM-SHA384",
        ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"] = "DHE-RSA-AES128-GCM-SHA256",
        ["TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"] = "DHE-RSA-CHACHA20-POLY1305",
        ["TLS_ECDHE_ECDSA_WITH_AES_256_CCM"] = "ECDHE-ECDSA-AES256-CCM",
        ["TLS_ECDHE_ECDSA_WITH_AES_128_CCM"] = "ECDHE-ECDSA-AES128-CCM",
    };
}
