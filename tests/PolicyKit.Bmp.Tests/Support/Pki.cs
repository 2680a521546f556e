namespace PolicyKit.Bmp.Tests.Support;

/// <summary>
/// A test PKI made with the openssl command line: a CA, the station's server certificate for
/// 127.0.0.1, and a router's client certificate, all ECDSA P-256 (as the router generators
/// write them). <see cref="Rogue"/> makes the same set under another CA.
/// </summary>
internal sealed class Pki
{
    private Pki(string directory) => Directory = directory;

    public string Directory { get; }

    public string Ca => Path.Combine(Directory, "ca.pem");

    public string StationCert => Path.Combine(Directory, "station.crt");

    public string StationKey => Path.Combine(Directory, "station.key");

    public string ClientCert => Path.Combine(Directory, "router.crt");

    public string ClientKey => Path.Combine(Directory, "router.key");

    public static Pki Create(string directory, string clientName = "edge-2")
    {
        System.IO.Directory.CreateDirectory(directory);
        string openssl = Tools.Require("openssl", "openssl");
        void Run(params string[] args)
        {
            var result = Tools.Run(openssl, args);
            Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', args)}:\n{result.Output}");
        }
        string server = Path.Combine(directory, "server.cnf"), client = Path.Combine(directory, "client.cnf");
        File.WriteAllText(server, "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        File.WriteAllText(client, "extendedKeyUsage=clientAuth\n");
        Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", $"{directory}/ca.key", "-out", $"{directory}/ca.pem", "-days", "2", "-subj", "/CN=PolicyKit BMP test CA");
        foreach (var (name, cn, ext) in new[] { ("station", "127.0.0.1", server), ("router", clientName, client) })
        {
            Run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", $"{directory}/{name}.key", "-out", $"{directory}/{name}.csr", "-subj", $"/CN={cn}");
            Run("x509", "-req", "-in", $"{directory}/{name}.csr", "-CA", $"{directory}/ca.pem", "-CAkey", $"{directory}/ca.key", "-CAcreateserial", "-out", $"{directory}/{name}.crt", "-days", "2", "-extfile", ext);
        }
        return new Pki(directory);
    }
}
