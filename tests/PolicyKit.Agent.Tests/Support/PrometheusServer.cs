using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Support;

/// <summary>
/// A real Prometheus (Debian's package) scraping one agent's <c>/metrics</c> every second, with its
/// own config and storage in <paramref name="dir"/>; killed (by PID) when disposed.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public PrometheusServer(TempDir dir, int agentPort)
    {
        Assert.True(File.Exists("/usr/bin/prometheus"), "prometheus is missing: apt-get install -y prometheus");
        Port = MosquittoBroker.FreePort();
        File.WriteAllText(dir.File("prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: mpol-agent
                static_configs:
                  - targets: ['127.0.0.1:{agentPort}']

            """);
        var info = new ProcessStartInfo("/usr/bin/prometheus") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { $"--config.file={dir.File("prometheus.yml")}", $"--storage.tsdb.path={dir.File("tsdb")}", $"--web.listen-address=127.0.0.1:{Port}" })
            info.ArgumentList.Add(a);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The instant query's result: each series' labels and value.</summary>
    public async Task<List<(JsonElement Metric, double Value)>> QueryAsync(string query)
    {
        Assert.False(_process.HasExited, $"prometheus exited {(_process.HasExited ? _process.ExitCode : 0)}");
        using var answer = JsonDocument.Parse(await _http.GetStringAsync(new Uri($"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(query)}")));
        return answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => (r.GetProperty("metric").Clone(), double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Queries every half second until <paramref name="done"/> holds (or 60 s passed: the last answer).</summary>
    public async Task<List<(JsonElement Metric, double Value)>> WaitForAsync(string query, Func<List<(JsonElement Metric, double Value)>, bool> done)
    {
        List<(JsonElement, double)> result = [];
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until && !done(result))
        {
            await Task.Delay(500);
            try
            {
                result = await QueryAsync(query);
            }
            catch (HttpRequestException)
            {
                // Prometheus not listening yet.
            }
        }
        return result;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _http.Dispose();
    }
}
