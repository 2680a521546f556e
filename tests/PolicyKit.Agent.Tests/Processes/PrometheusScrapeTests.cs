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

        using (var prometheus = new PrometheusServer(_dir, agentPort))
        {
            // The limit bounds as the agent's own status document has them.
            using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{agentPort}/status")));
            var expected = status.RootElement.GetProperty("limits").EnumerateArray()
                .ToDictionary(l => l.GetProperty("scope").GetString()!, l => l.GetProperty("max").GetInt64());
            Assert.NotEmpty(expected);

            var scraped = (await prometheus.WaitForAsync("mpol_agent_limit_max", r => r.Count >= expected.Count))
                .ToDictionary(r => r.Metric.GetProperty("scope").GetString()!, r => (long)r.Value);
            Assert.True(scraped.Count == expected.Count, $"Prometheus has {scraped.Count} of {expected.Count} limits after 60 s");
            // Prometheus's label values are the scope paths as they are (the status document may escape differently).
            Assert.Equal(expected.Values.Order(), scraped.Values.Order());

            var info = Assert.Single(await prometheus.QueryAsync("mpol_agent_table_info")).Metric;
            Assert.Equal("pe-agg-1", info.GetProperty("device").GetString());
            Assert.Equal(status.RootElement.GetProperty("table").GetProperty("checksum").GetString(), info.GetProperty("checksum").GetString());
        }
        agent.Signal(AgentProcess.SIGTERM);
        Assert.Equal(0, agent.WaitForExit(TimeSpan.FromSeconds(30)));
    }
}
