using System.Net;
using System.Net.Sockets;
using PolicyKit.Bmp.Events;
using PolicyKit.Bmp.Station;
using PolicyKit.Engine.Compiled;

namespace PolicyKit.Bmp.Tests.Support;

/// <summary>A started station on loopback (port 0) that collects its events in the background.</summary>
internal sealed class StationHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<BmpEvent> _events = [];
    private readonly Task _reader;

    private StationHarness(BmpStation station)
    {
        Station = station;
        _reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in station.Events.ReadAllAsync(_stop.Token)) lock (_events) _events.Add(e);
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public BmpStation Station { get; }

    public static async Task<StationHarness> StartAsync(BmpStationOptions options, CompiledTable? table = null, bool readEvents = true)
    {
        var station = new BmpStation(options, table ?? TestTables.TwoPeers());
        await station.StartAsync();
        return readEvents ? new StationHarness(station) : new StationHarness(station, noReader: true);
    }

    private StationHarness(BmpStation station, bool noReader)
    {
        Station = station;
        _reader = Task.CompletedTask;
    }

    public static BmpListenerOptions Plain() => new() { Address = "127.0.0.1", Port = 0 };

    public static BmpListenerOptions Tls(Pki pki, bool strict = true, BmpTlsVersion min = BmpTlsVersion.Tls12) => new()
    {
        Address = "127.0.0.1",
        Port = 0,
        Tls = new BmpTlsOptions { CertificateFile = pki.StationCert, KeyFile = pki.StationKey, CaFile = pki.Ca, Strict = strict, MinVersion = min },
    };

    public int Port(int listener = 0) => Station.LocalEndpoints[listener].Port;

    public List<BmpEvent> Events
    {
        get
        {
            lock (_events) return [.. _events];
        }
    }

    public IEnumerable<T> Of<T>() where T : BmpEvent => Events.OfType<T>();

    public bool WaitFor(Func<StationHarness, bool> condition, int seconds = 20) => Tools.WaitUntil(() => condition(this), TimeSpan.FromSeconds(seconds));

    /// <summary>Sends bytes over plain TCP and keeps the connection open until disposed.</summary>
    public TcpClient SendPlain(byte[] bytes, int listener = 0)
    {
        var client = new TcpClient();
        client.Connect(IPAddress.Loopback, Port(listener));
        client.GetStream().Write(bytes);
        client.GetStream().Flush();
        return client;
    }

    public string Describe() => string.Join("\n", Events.Select(e => e.ToString())) + "\n" + Station.Counters;

    public async ValueTask DisposeAsync()
    {
        await Station.DisposeAsync();
        _stop.Cancel();
        await _reader;
        _stop.Dispose();
    }
}
