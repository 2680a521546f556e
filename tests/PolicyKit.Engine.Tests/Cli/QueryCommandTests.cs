using System.Text.Json;
using PolicyKit.Mpolc;

namespace PolicyKit.Engine.Tests.Cli;

/// <summary><c>mpolc query</c> end to end, in-process: answers, the deciding rule and line, JSON, exit codes.</summary>
public sealed class QueryCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mpolc-query-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string text)
    {
        string path = Path.Combine(_dir, "p.mpol");
        File.WriteAllText(path, text);
        return path;
    }

    private static string Example(string name) => Path.Combine(RepoRoot(), "policies", "examples", name);

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PolicyKit.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PolicyKit.sln not found above " + AppContext.BaseDirectory);
    }

    private const string Policy = """
        groups channel-guide { 239.255.255.254; }
        sources headend { 198.51.100.0/26; }
        sources bad-hosts { 10.0.0.66; }
        filter joins {
            deny from bad-hosts;
            permit groups channel-guide;
            permit sources headend groups 232.10.0.0/16;
        }
        filter peer-in { deny groups 239.0.0.0/8; permit any; }
        prefixes customer { 203.0.113.0/24 le 26; }
        filter customer-in { permit prefixes customer; }
        class hd { match groups 232.10.0.0/17; cost 8Mbps; }
        class sd { match groups 232.10.128.0/17; cost 2Mbps; }
        device bng platform linux {
            ssm-range 232.0.0.0/8;
            interface "eth1" {
                igmp { access joins; limit 5; }
                state-limit out 20Mbps groups 232.10.0.0/16 classes hd, sd;
            }
        }
        device border platform ios-xe {
            msdp { peer 192.0.2.1 as 64501 { sa-filter both peer-in; sa-limit 100; } }
            bgp as 64496 { neighbor 192.0.2.9 as 64500 { prefix-filter in customer-in; max-prefix 10; } }
        }
        """;

    [Fact]
    public void Join_answers_with_the_deciding_rule_and_its_source_line()
    {
        string path = Write(Policy);
        var (exit, output, error) = Run("query", "join", path, "-d", "bng", "-i", "eth1", "232.10.1.1", "--source", "198.51.100.7", "--host", "10.0.0.9");
        Assert.True(exit == 0, error);
        Assert.Contains("→ admit", output);
        Assert.Contains($"{path.Replace('\\', '/')}:7:5 | permit sources headend groups 232.10.0.0/16;", output);

        (exit, output, error) = Run("query", "join", path, "-d", "bng", "-i", "eth1", "232.10.1.1", "--source", "198.51.100.7", "--host", "10.0.0.66");
        Assert.True(exit == 0, error);
        Assert.Contains("deny (access-filter)", output);
        Assert.Contains(":5:5 | deny from bad-hosts;", output);
    }

    [Fact]
    public void Expect_gives_exit_4_with_a_counterexample_and_0_with_a_witness()
    {
        string path = Write(Policy);
        var (exit, output, _) = Run("query", "join", path, "-d", "bng", "-i", "eth1", "232.10.1.1", "--expect", "admit");
        Assert.Equal(4, exit);
        Assert.Contains("expect admit: does NOT hold", output);
        Assert.Contains("ssm-range-needs-source", output);

        (exit, output, _) = Run("query", "ranges", path, "-d", "bng", "-i", "eth1", "--groups", "232.10.0.0/16", "--sources", "198.51.100.0/26", "--hosts", "10.0.0.0/26", "--expect", "admit");
        Assert.Equal(0, exit);
        Assert.Contains("expect admit: holds; for example:", output);

        // One host of the range is refused: the counterexample names it and the rule.
        (exit, output, _) = Run("query", "ranges", path, "-d", "bng", "-i", "eth1", "--groups", "232.10.0.0/16", "--sources", "198.51.100.0/26", "--hosts", "10.0.0.0/24", "--expect", "admit");
        Assert.Equal(4, exit);
        Assert.Contains("counterexample:", output);
        Assert.Contains("from 10.0.0.66", output);
        Assert.Contains("deny from bad-hosts;", output);
    }

    [Fact]
    public void Ranges_are_answered_as_prefixes_per_deciding_rule_in_json()
    {
        string path = Write(Policy);
        var (exit, output, error) = Run("query", "ranges", path, "-d", "bng", "-i", "eth1", "--format", "json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var regions = json.RootElement.GetProperty("regions").EnumerateArray().ToList();
        var admitted = regions.Where(r => r.GetProperty("verdict").GetString() == "admit").ToList();
        // The channel guide (any source, the (*,G) join included) and the head-end's channels, for every host but the bad one.
        Assert.Contains(admitted, r => r.GetProperty("groups").EnumerateArray().Select(v => v.GetString()).SequenceEqual(["239.255.255.254"]));
        var channels = Assert.Single(admitted, r => r.GetProperty("groups").EnumerateArray().Select(v => v.GetString()).SequenceEqual(["232.10.0.0/16"]));
        Assert.Equal(["198.51.100.0/26"], channels.GetProperty("sources").EnumerateArray().Select(v => v.GetString()));
        Assert.DoesNotContain("10.0.0.66", channels.GetProperty("hosts").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("10.0.0.67", channels.GetProperty("hosts").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(7, channels.GetProperty("rule").GetProperty("location").GetString()!.Split(':')[^2] switch { var l => int.Parse(l) });
        var badHost = regions.Where(r => r.GetProperty("rule").ValueKind == JsonValueKind.Object && r.GetProperty("rule").GetProperty("line").GetString() == "deny from bad-hosts;").ToList();
        Assert.NotEmpty(badHost);
        Assert.All(badHost, r => Assert.Equal("access-filter", r.GetProperty("reason").GetString()));
        Assert.All(badHost, r => Assert.Equal(["10.0.0.66"], r.GetProperty("hosts").EnumerateArray().Select(v => v.GetString())));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("expectation").ValueKind);
    }

    [Fact]
    public void Budget_tells_what_is_left_and_what_is_refused_next()
    {
        string path = Write(Policy);
        // Two HD streams (2 × 8 Mbps) of a 20 Mbps budget: 4 Mbps left, so no third HD, two more SD.
        var (exit, output, error) = Run("query", "budget", path, "-d", "bng", "-i", "eth1", "--format", "json",
            "--stream", "198.51.100.1 232.10.0.1; 198.51.100.1 232.10.0.2", "--next", "198.51.100.1 232.10.0.3", "--expect", "deny");
        Assert.True(exit == 0, error + output);
        using var json = JsonDocument.Parse(output);
        var limits = json.RootElement.GetProperty("limits").EnumerateArray().ToList();
        var budget = Assert.Single(limits, l => l.GetProperty("unit").GetString() == "bps");
        Assert.Equal(16_000_000, budget.GetProperty("used").GetInt64());
        Assert.Equal(4_000_000, budget.GetProperty("left").GetInt64());
        var classes = budget.GetProperty("classes").EnumerateArray().ToDictionary(c => c.GetProperty("class").GetString()!, c => c.GetProperty("fits").GetInt64());
        Assert.Equal(0, classes["hd"]);
        Assert.Equal(2, classes["sd"]);
        var joins = Assert.Single(limits, l => l.GetProperty("unit").GetString() == "entries" && l.GetProperty("rule").GetProperty("line").GetString()!.Contains("limit 5"));
        Assert.Equal(2, joins.GetProperty("used").GetInt64());
        var counter = json.RootElement.GetProperty("expectation").GetProperty("witness");
        Assert.Equal("state-limit", counter.GetProperty("reason").GetString());
    }

    [Fact]
    public void Sa_and_prefix_questions_answer_in_ranges()
    {
        string path = Write(Policy);
        var (exit, output, error) = Run("query", "sa", path, "-d", "border", "--peer", "192.0.2.1", "--groups", "239.1.0.0/16", "--expect", "deny");
        Assert.True(exit == 0, error + output);
        Assert.Contains("deny groups 239.0.0.0/8; permit any;", output);
        Assert.Contains("sa-limit", output);

        (exit, output, error) = Run("query", "prefixes", path, "-d", "border", "--neighbor", "192.0.2.9", "--format", "json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var admitted = Assert.Single(json.RootElement.GetProperty("regions").EnumerateArray(), r => r.GetProperty("verdict").GetString() == "admit");
        Assert.Equal(["203.0.113.0/24 le 26"], admitted.GetProperty("prefixes").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains(json.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("max-prefix 10"));

        (exit, _, _) = Run("query", "prefixes", path, "-d", "border", "--neighbor", "192.0.2.9", "--within", "203.0.113.0/24", "--expect", "admit");
        Assert.Equal(4, exit);   // a /27 inside it is refused
    }

    [Fact]
    public void Usage_errors_exit_2_and_a_broken_policy_exits_1_with_its_diagnostics()
    {
        string path = Write(Policy);
        var (exit, _, error) = Run("query", "join", path, "-d", "nope", "-i", "eth1", "239.1.1.1");
        Assert.Equal(2, exit);
        Assert.Contains("no device 'nope'", error);

        (exit, _, error) = Run("query", "join", path, "-d", "bng", "-i", "eth1", "10.1.1.1");
        Assert.Equal(2, exit);
        Assert.Contains("not a multicast group", error);

        (exit, _, error) = Run("query", "budget", path, "-d", "bng", "-i", "eth1", "--stream", "nonsense");
        Assert.Equal(2, exit);
        Assert.Contains("not a stream", error);

        string broken = Write("device x platform linux { mroute-limit 10 warn 20; }");
        (exit, _, error) = Run("query", "join", broken, "-d", "x", "-i", "eth1", "239.1.1.1");
        Assert.Equal(1, exit);
        Assert.Contains("MP3004", error);
    }

    [Fact]
    public void The_broadband_example_answers_the_guide_questions()
    {
        string policy = Example("broadband-edge.mpol");
        // An FTTH port: CP1's channels from CP1's head-end only.
        var (exit, output, error) = Run("query", "ranges", policy, "-d", "pe-agg-1", "-i", "GigabitEthernet0/0/10", "--format", "json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var admitted = json.RootElement.GetProperty("regions").EnumerateArray().Where(r => r.GetProperty("verdict").GetString() == "admit")
            .Select(r => (string.Join(",", r.GetProperty("sources").EnumerateArray().Select(v => v.GetString())), string.Join(",", r.GetProperty("groups").EnumerateArray().Select(v => v.GetString())))).ToHashSet();
        Assert.Equal([("any", "239.255.255.254"), ("198.51.100.0/26", "232.1.0.0/16"), ("198.51.100.64/26", "232.2.0.0/16"), ("203.0.113.0/26", "232.3.0.0/16")], admitted);

        // The SD DSLAM: 125 SD channels at 4 Mbps; the 126th is refused (guide: 500 Mbps / 4 Mbps).
        var streams = string.Join(";", Enumerable.Range(0, 125).Select(i => $"198.51.100.1 232.1.0.{i + 1}"));
        (exit, output, error) = Run("query", "budget", policy, "-d", "pe-agg-1", "-i", "GigabitEthernet0/0/1", "--stream", streams, "--next", "198.51.100.1 232.1.1.1", "--expect", "deny");
        Assert.True(exit == 0, error + output);
        Assert.Contains("used 125 of 125, left 0", output);
    }
}
