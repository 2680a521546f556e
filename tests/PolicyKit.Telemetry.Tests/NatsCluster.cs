using System.Diagnostics;
using System.Net.Sockets;

namespace PolicyKit.Testing;

/// <summary>
/// A real three-node nats-server cluster on loopback (Debian's nats-server), JetStream and the MQTT
/// listener on every node — the clustered broker a fleet would run. Each node is a process of its
/// own, killed by PID; the folder (JetStream stores, configs, logs) is removed on dispose.
/// </summary>
public sealed class NatsCluster : IDisposable
{
    public const string Executable = "/usr/sbin/nats-server";

    private readonly Process?[] _nodes = new Process?[3];
    private readonly int[] _clientPorts = new int[3];
    private readonly int[] _clusterPorts = new int[3];

    public NatsCluster()
    {
        Assert.True(File.Exists(Executable), "nats-server is missing: apt-get install -y nats-server");
        Directory = Path.Combine(Path.GetTempPath(), "pk-nats-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        for (int i = 0; i < 3; i++)
        {
            _clientPorts[i] = MosquittoBroker.FreePort();
            _clusterPorts[i] = MosquittoBroker.FreePort();
            MqttPorts[i] = MosquittoBroker.FreePort();
        }
    }

    public string Directory { get; }

    /// <summary>The MQTT listener of each node (A, B, C).</summary>
    public int[] MqttPorts { get; } = new int[3];

    public void Start()
    {
        for (int i = 0; i < 3; i++)
        {
            string name = "n" + (char)('a' + i);
            var routes = Enumerable.Range(0, 3).Where(j => j != i).Select(j => $"\"nats-route://127.0.0.1:{_clusterPorts[j]}\"");
            string config = Path.Combine(Directory, name + ".conf");
            File.WriteAllText(config, $$"""
                server_name: {{name}}
                listen: 127.0.0.1:{{_clientPorts[i]}}
                jetstream { store_dir: "{{Path.Combine(Directory, name)}}" }
                cluster {
                  name: policykit
                  listen: 127.0.0.1:{{_clusterPorts[i]}}
                  routes: [{{string.Join(", ", routes)}}]
                }
                # Every MQTT stream on all three nodes: losing one keeps the quorum (created with fewer
                # replicas while the cluster forms, the session stream stalls when a node dies).
                mqtt { listen: 127.0.0.1:{{MqttPorts[i]}}, stream_replicas: 3, consumer_replicas: 3 }

                """);
            var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(config);
            info.ArgumentList.Add("-l");
            info.ArgumentList.Add(Path.Combine(Directory, name + ".log"));
            _nodes[i] = Process.Start(info);
        }
        foreach (int port in MqttPorts) WaitForPort(port);
    }

    /// <summary>The log of node <paramref name="index"/> (for failure messages).</summary>
    public string Log(int index)
    {
        string path = Path.Combine(Directory, "n" + (char)('a' + index) + ".log");
        try { return File.Exists(path) ? File.ReadAllText(path) : ""; }
        catch (IOException) { return ""; }
    }

    /// <summary>SIGKILL to node <paramref name="index"/>: gone without a goodbye, as a crashed broker.</summary>
    public void Kill(int index)
    {
        var node = _nodes[index];
        _nodes[index] = null;
        if (node is null) return;
        try
        {
            if (!node.HasExited)
            {
                node.Kill();
                node.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        node.Dispose();
    }

    private static void WaitForPort(int port)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < until)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        Assert.Fail($"nats-server did not listen on MQTT port {port} in 30 s");
    }

    public void Dispose()
    {
        for (int i = 0; i < 3; i++) Kill(i);
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
