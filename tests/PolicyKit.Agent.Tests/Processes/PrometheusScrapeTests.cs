using System.Diagnostics;
using System.Net.Http;
using System.Text.Json;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Testing;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// <c>/metrics</c> as a NOC reads it: a real Prometheus (Debian's package) scrapes the running
/// agent, and its query API gives back the same figures as the agent's own <c>/status</c>.
/// <c>/healthz</c> answers ok while a table is in force.
/// </summary>
public sealed class PrometheusScrapeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_real_prometheus_scrapes_the_agent_and_queries_the_values_back()
    {
        Assert.True(File.Exists("/usr/bin/prometheus"), "prometheus is missing: apt-get install -y prometheus");
        string table = TestTables.BroadbandEdge(_dir.File("out"));
        int agentPort = MosquittoBroker.FreePort();
        using var agent = AgentProcess.Start(["run", "--table", table, "--set", "mqtt.enabled=false", "--set", $"agent.status_listen=127.0.0.1:{agentPort}"]);
        agent.WaitForLog("status on", TimeSpan.FromSeconds(60));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using (var health = await http.GetAsync(new Uri($"http://127.0.0.1:{agentPort}/healthz")))
        {
            Assert.Equal(200, (int)health.StatusCode);
            Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());
        }
        using (var metrics = await http.GetAsync(new Uri($"http://127.0.0.1:{agentPort}/metrics")))
        {
            Assert.StartsWith("application/openmetrics-text", metrics.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
            Assert.EndsWith("# EOF\n", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        int promPort = MosquittoBroker.FreePort();
        File.WriteAllText(_dir.File("prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: mpol-agent
                static_configs:
                  - targets: ['127.0.0.1:{agentPort}']

            """);
        var info = new ProcessStartInfo("/usr/bin/prometheus") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { $"--config.file={_dir.File("prometheus.yml")}", $"--storage.tsdb.path={_dir.File("tsdb")}", $"--web.listen-address=127.0.0.1:{promPort}" })
            info.ArgumentList.Add(a);
        using var prometheus = Process.Start(info)!;
        prometheus.OutputDataReceived += (_, _) => { };
        prometheus.ErrorDataReceived += (_, _) => { };
        prometheus.BeginOutputReadLine();
        prometheus.BeginErrorReadLine();
        try
        {
            // The limit bounds as the agent's own status document has them.
            using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{agentPort}/status")));
            var expected = status.RootElement.GetProperty("limits").EnumerateArray()
                .ToDictionary(l => l.GetProperty("scope").GetString()!, l => l.GetProperty("max").GetInt64());
            Assert.NotEmpty(expected);

            Dictionary<string, long> scraped = [];
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (DateTime.UtcNow < until && scraped.Count < expected.Count)
            {
                await Task.Delay(500);
                Assert.False(prometheus.HasExited, $"prometheus exited {(prometheus.HasExited ? prometheus.ExitCode : 0)}");
                try
                {
                    using var answer = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{promPort}/api/v1/query?query=mpol_agent_limit_max")));
                    scraped = answer.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().ToDictionary(
                        r => r.GetProperty("metric").GetProperty("scope").GetString()!,
                        r => long.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture));
                }
                catch (HttpRequestException)
                {
                    // Prometheus not listening yet.
                }
            }
            Assert.True(scraped.Count == expected.Count, $"Prometheus has {scraped.Count} of {expected.Count} limits after 60 s");
            // Prometheus's label values are the scope paths as they are (the status document may escape differently).
            Assert.Equal(expected.Values.Order(), scraped.Values.Order());

            using var up = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{promPort}/api/v1/query?query=mpol_agent_table_info")));
            var info2 = Assert.Single(up.RootElement.GetProperty("data").GetProperty("result").EnumerateArray());
            Assert.Equal("pe-agg-1", info2.GetProperty("metric").GetProperty("device").GetString());
            Assert.Equal(status.RootElement.GetProperty("table").GetProperty("checksum").GetString(), info2.GetProperty("metric").GetProperty("checksum").GetString());
        }
        finally
        {
            if (!prometheus.HasExited) prometheus.Kill();
            await prometheus.WaitForExitAsync();
        }
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(30)));
    }
}
