using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PolicyKit.Compiler.Tests.Cli;

namespace PolicyKit.Compiler.Tests.Backends.Frr;

/// <summary>
/// BMP over mutual TLS from a Linux edge box, end to end with real parts: the frr.conf and the
/// socat command line the compiler writes, run as written (certificate paths pointed at a test
/// PKI), carry a running bgpd's BMP session to a TLS station that requires a client certificate
/// signed by the policy's CA. The station receives the BMP Initiation message.
/// </summary>
public sealed class FrrBmpTlsEndToEndTests
{
    [Fact]
    public void BgpdReachesAMutualTlsStationThroughTheGeneratedSocatCommand()
    {
        FrrInstallation.Require();
        string socat = Tool("socat"), openssl = Tool("openssl");
        using var temp = new TempDirectory();
        string dir = FrrInstallation.DaemonDirectory(temp.Path);
        string pki = Path.Combine(dir, "pki");
        Directory.CreateDirectory(pki);
        MakePki(openssl, pki, "edge-t");

        int stationPort = FreePortWhoseWrapperPortIsFree();
        string policy = $$"""
            device edge-t platform linux {
                bgp as 64496 { router-id 10.0.0.1; neighbor 192.0.2.9 as 64500; }
                bmp station noc {
                    address 127.0.0.1;
                    port {{stationPort}};
                    tls mutual { ca file("pki/ca.pem"); cert file("pki/station.crt"); key file("pki/station.key"); min-version 1.2; }
                    monitor pre-policy;
                }
            }
            """;
        string config = FrrCompile.Config(policy, "edge-t");
        string commandLine = FrrCompile.Lines(config).Select(l => l.Trim()).Single(l => l.StartsWith("!   socat ", StringComparison.Ordinal))["!   ".Length..];
        var wrapperArgs = commandLine.Replace("/etc/frr/pki/", pki + "/", StringComparison.Ordinal).Split(' ').Skip(1).ToList();

        string received = Path.Combine(dir, "station.bin");
        var processes = new List<(string Name, Process Process, StringBuilder Output)>();
        try
        {
            var station = ProcessRunner.Start(socat, ["-u",
                $"OPENSSL-LISTEN:{stationPort},bind=127.0.0.1,reuseaddr,cert={pki}/station.crt,key={pki}/station.key,cafile={pki}/ca.pem,verify=1",
                $"CREATE:{received}"]);
            processes.Add(("station", station.Process, station.Output));
            var wrapper = ProcessRunner.Start(socat, wrapperArgs);
            processes.Add(("wrapper", wrapper.Process, wrapper.Output));
            using var live = FrrLive.Start(config, temp.Path, bgpd: true, pimd: false);

            var deadline = DateTime.UtcNow.AddSeconds(30);
            byte[] bytes = [];
            while (DateTime.UtcNow < deadline)
            {
                bytes = File.Exists(received) ? File.ReadAllBytes(received) : [];
                if (bytes.Length >= 6) break;
                Thread.Sleep(100);
            }
            string outputs = string.Concat(processes.Select(p => $"── {p.Name}\n{p.Output}")) + live.Logs();
            Assert.True(bytes.Length >= 6, $"the TLS station received {bytes.Length} bytes of BMP.\nwrapper: socat {string.Join(' ', wrapperArgs)}\n{outputs}\n{config}");
            Assert.True(bytes[0] == 3, $"BMP version 3 expected, got {bytes[0]}");
            Assert.True(bytes[5] == 4, $"the first BMP message must be an Initiation (type 4), got type {bytes[5]}");
        }
        finally
        {
            foreach (var (_, process, _) in processes) ProcessRunner.Stop(process);
        }
    }

    [Fact]
    public void TheWrapperRefusesAStationItsCaDidNotSign()
    {
        // verify=1 with the policy's CA: a station with a certificate from another CA gets no BMP.
        FrrInstallation.Require();
        string socat = Tool("socat"), openssl = Tool("openssl");
        using var temp = new TempDirectory();
        string dir = FrrInstallation.DaemonDirectory(temp.Path);
        string pki = Path.Combine(dir, "pki"), rogue = Path.Combine(dir, "rogue");
        Directory.CreateDirectory(pki);
        Directory.CreateDirectory(rogue);
        MakePki(openssl, pki, "edge-t");
        MakePki(openssl, rogue, "edge-t");

        int stationPort = FreePortWhoseWrapperPortIsFree();
        string policy = $$"""
            device edge-t platform linux {
                bgp as 64496 { router-id 10.0.0.1; neighbor 192.0.2.9 as 64500; }
                bmp station noc {
                    address 127.0.0.1; port {{stationPort}};
                    tls mutual { ca file("pki/ca.pem"); cert file("pki/station.crt"); key file("pki/station.key"); }
                }
            }
            """;
        string config = FrrCompile.Config(policy, "edge-t");
        string commandLine = FrrCompile.Lines(config).Select(l => l.Trim()).Single(l => l.StartsWith("!   socat ", StringComparison.Ordinal))["!   ".Length..];
        var wrapperArgs = commandLine.Replace("/etc/frr/pki/", pki + "/", StringComparison.Ordinal).Split(' ').Skip(1).ToList();
        string received = Path.Combine(dir, "station.bin");
        var processes = new List<Process>();
        try
        {
            // The rogue station trusts the rogue CA only and presents the rogue certificate.
            processes.Add(ProcessRunner.Start(socat, ["-u",
                $"OPENSSL-LISTEN:{stationPort},bind=127.0.0.1,reuseaddr,fork,cert={rogue}/station.crt,key={rogue}/station.key,cafile={pki}/ca.pem,verify=1",
                $"CREATE:{received}"]).Process);
            processes.Add(ProcessRunner.Start(socat, wrapperArgs).Process);
            using var live = FrrLive.Start(config, temp.Path, bgpd: true, pimd: false);
            Thread.Sleep(3000);
            long length = File.Exists(received) ? new FileInfo(received).Length : 0;
            Assert.True(length == 0, $"a station whose certificate the policy's CA did not sign received {length} bytes");
        }
        finally
        {
            foreach (var process in processes) ProcessRunner.Stop(process);
        }
    }

    private static string Tool(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin"))
        {
            string candidate = Path.Combine(directory, name);
            if (File.Exists(candidate)) return candidate;
        }
        Assert.Fail($"install {name} (apt-get install {name}): the BMP-over-TLS test runs the generated socat wrapper");
        return name;
    }

    /// <summary>A CA, a station certificate for 127.0.0.1 and the router's client certificate (named as the generated command expects).</summary>
    private static void MakePki(string openssl, string dir, string device)
    {
        void Run(params string[] args)
        {
            var result = ProcessRunner.Run(openssl, args);
            Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', args)}:\n{result.Output}");
        }
        string ext = Path.Combine(dir, "san.cnf");
        File.WriteAllText(ext, "subjectAltName=IP:127.0.0.1\n");
        Run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", $"{dir}/ca.key", "-out", $"{dir}/ca.pem", "-days", "2", "-subj", "/CN=PolicyKit test CA");
        foreach (var (name, cn) in new[] { ("station", "127.0.0.1"), ($"{device}-bmp-client", device) })
        {
            Run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", $"{dir}/{name}.key", "-out", $"{dir}/{name}.csr", "-subj", $"/CN={cn}");
            Run("x509", "-req", "-in", $"{dir}/{name}.csr", "-CA", $"{dir}/ca.pem", "-CAkey", $"{dir}/ca.key", "-CAcreateserial", "-out", $"{dir}/{name}.crt", "-days", "2", "-extfile", ext);
        }
        if (OperatingSystem.IsWindows()) return;
        foreach (var file in Directory.GetFiles(dir)) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>A free station port whose wrapper port (the port ± 30000, as the emitter derives it) is free too.</summary>
    private static int FreePortWhoseWrapperPortIsFree()
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int port = FreePort();
            int wrapper = port + 30000 <= 65535 ? port + 30000 : port - 30000;
            if (wrapper < 1024) continue;
            try
            {
                var probe = new TcpListener(IPAddress.Loopback, wrapper);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another station port.
            }
        }
        throw new InvalidOperationException("no free port pair found");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
