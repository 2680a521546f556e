using PolicyKit.Compiler.Irr;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Tests.Irr;

/// <summary>`mpolc origins`: the expected-origins file of a policy's IRR-built sets, from the route objects and pinned in the lock.</summary>
public sealed class ExpectedOriginsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mpolc-origins-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string ManrsEdge => Path.Combine(RepoPaths.Examples, "manrs-edge.mpol");

    /// <summary>The file the example policy's set gives: its three route objects (not the two aggregated prefix-list entries), each with its own origin.</summary>
    private const string ManrsEdgeOrigins = """
        {
          "metadata": {
            "generator": "mpolc origins",
            "sets": [
              "as64501-cone"
            ]
          },
          "roas": [
            {
              "prefix": "203.0.113.0/24",
              "maxLength": 24,
              "asn": "AS64501"
            },
            {
              "prefix": "2001:db8::/36",
              "maxLength": 48,
              "asn": "AS64502"
            },
            {
              "prefix": "2001:db8:1000::/36",
              "maxLength": 48,
              "asn": "AS64502"
            }
          ]
        }

        """;

    private static (int Code, string Out, string Error) Mpolc(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = PolicyKit.Mpolc.Program.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void The_example_policy_gives_the_route_objects_of_its_set_with_their_origins()
    {
        string output = Path.Combine(_folder, "expected-origins.json");
        var (code, stdout, stderr) = Mpolc("origins", ManrsEdge, "-o", output);
        Assert.True(code == 0, stderr + stdout);
        Assert.Equal(ManrsEdgeOrigins.Replace("\r", "", StringComparison.Ordinal), File.ReadAllText(output));
        Assert.Contains("3 expected origins from 1 IRR-built sets", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_is_reproducible_from_the_lock_alone_without_the_rpsl_data()
    {
        File.Copy(ManrsEdge, Path.Combine(_folder, "manrs-edge.mpol"));
        File.Copy(ManrsEdge + IrrLockFile.Extension, Path.Combine(_folder, "manrs-edge.mpol" + IrrLockFile.Extension));
        Assert.False(File.Exists(Path.Combine(_folder, "irr", "manrs-edge.db")));
        string output = Path.Combine(_folder, "expected-origins.json");

        var (code, stdout, stderr) = Mpolc("origins", Path.Combine(_folder, "manrs-edge.mpol"), "-o", output);

        Assert.True(code == 0, stderr + stdout);
        Assert.Equal(ManrsEdgeOrigins.Replace("\r", "", StringComparison.Ordinal), File.ReadAllText(output));
    }

    [Fact]
    public void A_lock_written_before_origins_were_pinned_still_compiles_but_origins_refuses_it_with_MP3084()
    {
        string policy = Path.Combine(_folder, "manrs-edge.mpol");
        File.Copy(ManrsEdge, policy);
        string oldLock = string.Join('\n', File.ReadAllLines(ManrsEdge + IrrLockFile.Extension).Where(l => !l.TrimStart().StartsWith("origin ", StringComparison.Ordinal))) + "\n";
        File.WriteAllText(policy + IrrLockFile.Extension, oldLock);
        string output = Path.Combine(_folder, "expected-origins.json");

        var check = PolicyCompiler.Check(policy, new CompilationOptions());
        Assert.DoesNotContain(check.Diagnostics, d => d.IsError);

        var (code, stdout, stderr) = Mpolc("origins", policy, "-o", output);
        Assert.Equal(1, code);
        Assert.Contains("MP3084", stdout + stderr, StringComparison.Ordinal);
        Assert.Contains("pins no origins", stdout + stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void An_output_that_cannot_be_written_is_one_io_error_and_exit_2()
    {
        string output = Path.Combine(_folder, "no-such-folder", "expected-origins.json");
        var (code, _, stderr) = Mpolc("origins", ManrsEdge, "-o", output);
        Assert.Equal(2, code);
        Assert.StartsWith($"mpolc: error: cannot write '{output}'", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(output)));
    }

    [Fact]
    public void Aggregation_joins_prefixes_of_two_origins_but_the_origins_stay_per_route_object()
    {
        var data = new RpslDatabase();
        data.Add("""
            as-set: AS-X
            members: AS64501, AS64502

            route: 10.0.0.0/24
            origin: AS64501

            route: 10.0.1.0/24
            origin: AS64502

            route: 10.0.2.0/25
            origin: AS64502
            """, e => Assert.Fail(e.Message));

        var resolution = IrrResolver.Resolve(data, new IrrQuery("AS-X", 24, null, Aggregate: true, IrrQuery.DefaultLimit));

        Assert.Equal(["10.0.0.0/23 ge 24 le 24"], resolution.Prefixes.Select(p => p.ToString()));
        // The /25 is longer than the set's max-length: out of the prefix list, so out of the expected origins too.
        Assert.Equal(
            [new IrrOrigin(IpPrefix.Parse("10.0.0.0/24"), 24, 64501), new IrrOrigin(IpPrefix.Parse("10.0.1.0/24"), 24, 64502)],
            resolution.Origins.ToArray());
    }

    [Fact]
    public void Origin_lines_read_back_from_the_lock_and_a_wrong_one_refuses_it()
    {
        var set = new IrrLockedSet("a", "AS-X limit 1", [], [IrrPrefix.Exact(IpPrefix.Parse("10.0.0.0/23"))])
        {
            Origins = [new IrrOrigin(IpPrefix.Parse("10.0.1.0/24"), 24, 64502), new IrrOrigin(IpPrefix.Parse("10.0.0.0/24"), 24, 4200000000)],
        };
        string text = IrrLockFile.Format([set]);
        Assert.Contains("  origin 10.0.0.0/24 max-length 24 AS4200000000\n  origin 10.0.1.0/24 max-length 24 AS64502\n", text, StringComparison.Ordinal);
        var parsed = IrrLockFile.Parse(text, e => Assert.Fail(e.Message));
        Assert.Equal(set.Origins.Order().ToArray(), parsed!["a"].Origins.ToArray());

        foreach (var (line, error) in new[]
        {
            ("origin 10.0.0.0/24 max-length 23 AS1", "is not a max-length"),
            ("origin 10.0.0.1/24 max-length 24 AS1", "is not a prefix"),
            ("origin 10.0.0.0/24 max-length 24 64500", "is not an AS number"),
            ("origin 10.0.0.0/24 AS1", "expected 'set NAME'"),
        })
        {
            var errors = new List<RpslError>();
            Assert.Null(IrrLockFile.Parse($"set a\n  query AS-X limit 1\n  {line}\n", errors.Add));
            Assert.Contains(errors, e => e.Message.Contains(error, StringComparison.Ordinal));
        }
    }
}
