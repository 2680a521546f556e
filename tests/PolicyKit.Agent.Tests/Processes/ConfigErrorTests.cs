using PolicyKit.Agent.Tests.Support;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>Each bad configuration: exactly one clear error, naming the key and where it came from, and exit 2.</summary>
public sealed class ConfigErrorTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (int Code, string Out, string Err) CheckConfig(string toml, Dictionary<string, string>? env = null, params string[] extra)
    {
        File.WriteAllText(_dir.File("agent.toml"), toml);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var environment = new Dictionary<string, string>(env ?? []);
        int code = PolicyKit.Agent.Cli.AgentCommandLine.Run(["check-config", "--config", _dir.File("agent.toml"), .. extra], stdout, stderr, environment);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string OneError(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected exactly one error line, got:\n{stderr}");
        return lines[0];
    }

    [Theory]
    [InlineData("[mqtt]\nport = \"abc\"\n", "agent.toml:2:8: error: mqtt.port: expected an integer 1..65535, got \"abc\"")]
    [InlineData("[mqtt]\nport = 70000\n", "agent.toml:2:8: error: mqtt.port: expected an integer 1..65535, got \"70000\"")]
    [InlineData("[mqtt]\nhots = \"broker\"\n", "agent.toml:2:8: error: mqtt.hots: unknown key (did you mean mqtt.host?)")]
    [InlineData("[mqqt]\nhost = \"broker\"\n", "agent.toml:1:1: error: mqqt: unknown section [mqqt] (did you mean [mqtt]?)")]
    [InlineData("[mqtt]\nkeepalive = \"30\"\n", "agent.toml:2:13: error: mqtt.keepalive: expected a duration of at least 1s with a unit (500ms, 10s, 5m, 1h), got \"30\"")]
    [InlineData("[log]\nlevel = \"verbose\"\n", "agent.toml:2:9: error: log.level: expected one of trace, debug, info, warn, error, got \"verbose\"")]
    [InlineData("[mqtt]\nport = \n", "agent.toml:2:8: error: not valid TOML")]
    [InlineData("[mqtt.tls]\nenabled = true\nca_file = \"/nonexistent/ca.pem\"\n", "agent.toml:3:11: error: mqtt.tls.ca_file: file not found: /nonexistent/ca.pem")]
    [InlineData("[agent]\nrequire_signature = true\n", "agent.toml:2:21: error: agent.require_signature: true needs agent.public_key")]
    [InlineData("[mqtt]\nreconnect_min = \"10s\"\nreconnect_max = \"1s\"\n", "agent.toml:3:17: error: mqtt.reconnect_max: must be at least mqtt.reconnect_min (10s)")]
    [InlineData("[replay]\nspeed = \"warp\"\n", "agent.toml:2:9: error: replay.speed: expected recorded, fast or a factor such as 10x, got \"warp\"")]
    public void A_mistake_in_the_file_is_one_error_at_its_position(string toml, string expected)
    {
        var (code, _, err) = CheckConfig(toml);
        Assert.Equal(2, code);
        Assert.StartsWith($"mpol-agent: {_dir.File(expected)}", OneError(err));
    }

    [Fact]
    public void A_password_in_the_file_is_refused_without_echoing_it()
    {
        var (code, _, err) = CheckConfig("[mqtt]\nusername = \"agent\"\npassword = \"hunter2-secret\"\n");
        Assert.Equal(2, code);
        string line = OneError(err);
        Assert.Contains("mqtt.password: a password does not belong in the configuration file", line);
        Assert.DoesNotContain("hunter2-secret", err);
    }

    [Fact]
    public void Environment_and_set_overrides_are_named_as_the_origin()
    {
        var (code, _, err) = CheckConfig("", new() { ["POLICYKIT__MQTT__PORT"] = "nope" });
        Assert.Equal(2, code);
        Assert.Equal("mpol-agent: env POLICYKIT__MQTT__PORT: error: mqtt.port: expected an integer 1..65535, got \"nope\"", OneError(err).TrimEnd('\r'));

        (code, _, err) = CheckConfig("", null, "--set", "telemetry.warn_percent=150");
        Assert.Equal(2, code);
        Assert.Equal("mpol-agent: --set telemetry.warn_percent: error: telemetry.warn_percent: expected an integer 0..100, got \"150\"", OneError(err).TrimEnd('\r'));
    }

    [Fact]
    public void A_missing_file_and_a_missing_table_are_one_error_each()
    {
        var stderr = new StringWriter();
        int code = PolicyKit.Agent.Cli.AgentCommandLine.Run(["check-config", "--config", _dir.File("nope.toml")], TextWriter.Null, stderr, new Dictionary<string, string>());
        Assert.Equal(2, code);
        Assert.EndsWith("nope.toml: error: configuration file not found", OneError(stderr.ToString()).TrimEnd('\r'));

        var (code2, _, err) = CheckConfig("[agent]\ntable = \"missing.mpt\"\n");
        Assert.Equal(2, code2);
        Assert.Contains("no such table file", OneError(err));
    }

    [Fact]
    public void Layers_apply_file_then_environment_then_set()
    {
        string table = TestTables.BroadbandEdge(_dir.File("out"));
        var (code, output, err) = CheckConfig($"[agent]\ntable = \"{table}\"\n[mqtt]\nhost = \"file-host\"\nport = 1000\nkeepalive = \"10s\"\n",
            new() { ["POLICYKIT__MQTT__PORT"] = "2000", ["POLICYKIT__MQTT__KEEPALIVE"] = "20s", ["POLICYKIT__MQTT__PASSWORD"] = "s3cret-from-env" },
            "--set", "mqtt.keepalive=30s");
        Assert.True(code == 0, err);
        Assert.Contains("mqtt.host = \"file-host\"", output);
        Assert.Contains("mqtt.port = \"2000\"", output);
        Assert.Contains("mqtt.keepalive = \"30s\"", output);
        Assert.Contains("mqtt.password = (set)", output);
        Assert.DoesNotContain("s3cret-from-env", output + err);
        Assert.Contains("# configuration OK", output);
    }

    [Fact]
    public void The_example_configuration_loads_and_documents_every_key()
    {
        string example = Path.Combine(RepoPaths.Root, "agent", "agent.example.toml");
        string docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "agent-config.md"));
        string text = File.ReadAllText(example);
        foreach (var key in PolicyKit.Agent.Config.AgentConfigLoader.Schema())
        {
            string name = key.Path[(key.Path.LastIndexOf('.') + 1)..];
            Assert.True(text.Contains($"{name} =", StringComparison.Ordinal) || text.Contains($"# {name} =", StringComparison.Ordinal), $"agent.example.toml does not show {key.Path}");
            Assert.True(docs.Contains($"`{key.Path}`", StringComparison.Ordinal), $"docs/agent-config.md does not document {key.Path}");
        }
        var result = PolicyKit.Agent.Config.AgentConfigLoader.Load(example, new Dictionary<string, string>(), []);
        Assert.True(result.Ok, string.Join("\n", result.Errors));
    }

    [Fact]
    public void Garbage_files_give_errors_never_exceptions()
    {
        var random = new Random(11);
        string seed = "[agent]\ntable = \"x.mpt\"\n[mqtt]\nhost = \"h\"\nport = 1883\n[mqtt.tls]\nenabled = false\n[replay]\nspeed = \"fast\"\n";
        for (int i = 0; i < 3000; i++)
        {
            var chars = seed.ToCharArray();
            for (int m = 0; m < 1 + random.Next(4); m++) chars[random.Next(chars.Length)] = (char)random.Next(1, 128);
            File.WriteAllText(_dir.File("g.toml"), new string(chars));
            var result = PolicyKit.Agent.Config.AgentConfigLoader.Load(_dir.File("g.toml"), new Dictionary<string, string>(), []);
            Assert.True(result.Ok || result.Errors.Count > 0);
        }
    }
}
