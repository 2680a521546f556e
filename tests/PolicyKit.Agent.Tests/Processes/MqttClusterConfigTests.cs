using PolicyKit.Agent.Cli;
using PolicyKit.Agent.Config;
using PolicyKit.Agent.Tests.Support;
using PolicyKit.Telemetry;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// The telemetry transport's cluster failover, MQTT 3.1.1 and on-disk outbox (issue 17) reach a
/// real user only through the configuration: each key is checked and lands in what `run` uses.
/// </summary>
public sealed class MqttClusterConfigTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ConfigLoadResult Load(string toml)
    {
        File.WriteAllText(_dir.File("agent.toml"), toml);
        return AgentConfigLoader.Load(_dir.File("agent.toml"), new Dictionary<string, string>(), []);
    }

    [Fact]
    public void Brokers_protocol_and_outbox_folder_reach_the_publisher()
    {
        var loaded = Load("""
            [agent]
            table = "t.mpt"
            [mqtt]
            protocol = "3.1.1"
            brokers = "10.0.0.1:1883, [2001:db8::2]:1884/5"
            outbox_dir = "spool"
            """);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        var plan = RunPlanFactory.Create(loaded.Settings!, TextWriter.Null);
        var client = plan!.Mqtt!.Client;
        Assert.Equal([new MqttBrokerAddress("10.0.0.1", 1883, MqttProtocol.V311), new MqttBrokerAddress("2001:db8::2", 1884, MqttProtocol.V5)], client.Addresses());
        // A relative folder is the configuration file's, as every path in the file.
        Assert.Equal(_dir.File("spool"), client.OutboxDirectory);
    }

    [Fact]
    public void Without_the_keys_one_broker_speaks_mqtt_5_and_the_outbox_stays_in_memory()
    {
        var loaded = Load("[agent]\ntable = \"t.mpt\"\n[mqtt]\nhost = \"broker\"\n");
        Assert.True(loaded.Ok, string.Join("\n", loaded.Errors));
        var client = RunPlanFactory.Create(loaded.Settings!, TextWriter.Null)!.Mqtt!.Client;
        Assert.Equal([new MqttBrokerAddress("broker", 1883, MqttProtocol.V5)], client.Addresses());
        Assert.Null(client.OutboxDirectory);
    }

    [Theory]
    [InlineData("brokers = \"10.0.0.1:1883, nonsense\"", "mqtt.brokers")]
    [InlineData("brokers = \"10.0.0.1:1883/4.0\"", "unknown protocol")]
    [InlineData("brokers = \"10.0.0.1:1883\"\nhost = \"other\"", "not both")]
    [InlineData("protocol = \"3\"", "mqtt.protocol")]
    [InlineData("outbox_dir = \"agent.toml\"", "is a file, not a folder")]
    public void A_bad_cluster_setting_is_one_clear_error(string lines, string expected)
    {
        var loaded = Load($"[mqtt]\n{lines}\n");
        var error = Assert.Single(loaded.Errors);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }
}
