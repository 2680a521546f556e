using PolicyKit.Agent.Tests.Support;
using PolicyKit.Bmp.Analysis;
using static PolicyKit.Bmp.Tests.Support.Vectors;

namespace PolicyKit.Agent.Tests.Processes;

/// <summary>
/// The link between the policy's IRR-built sets and the station's expected origins (issue 20):
/// the file <c>mpolc origins</c> writes for the MANRS example is what <c>bmp.expected_origins_file</c>
/// reads — by the station's own reader and by <c>mpol-agent check-config</c> — and judges a route
/// from an origin outside the set unexpected, one from the route object's origin valid.
/// </summary>
public sealed class ExpectedOriginsFromPolicyTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string WriteOrigins()
    {
        string file = _dir.File("expected-origins.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] args = ["origins", Path.Combine(RepoPaths.Examples, "manrs-edge.mpol"), "-o", file];
        int code = PolicyKit.Mpolc.Program.Run(args, stdout, stderr);
        Assert.True(code == 0, $"mpolc {string.Join(' ', args)} exited {code}:\n{stderr}\n{stdout}");
        return file;
    }

    [Theory]
    // The route object 203.0.113.0/24 of AS64501 (max-length 24).
    [InlineData("203.0.113.0/24", 64501u, OriginState.Valid)]
    [InlineData("203.0.113.0/24", 64999u, OriginState.Invalid)]
    [InlineData("203.0.113.0/25", 64501u, OriginState.Invalid)]
    // The route6 objects of AS64502 under the aggregate 2001:db8::/35: each keeps its own origin, up to /48.
    [InlineData("2001:db8:1000::/48", 64502u, OriginState.Valid)]
    [InlineData("2001:db8:1000::/48", 64501u, OriginState.Invalid)]
    [InlineData("2001:db8:1000::/49", 64502u, OriginState.Invalid)]
    // Outside every route object of the set: not the station's to judge.
    [InlineData("198.51.100.0/24", 64502u, OriginState.NotFound)]
    public void The_station_reads_the_file_mpolc_writes_and_judges_routes_by_the_route_objects(string prefix, uint origin, OriginState expected)
    {
        string file = WriteOrigins();
        Assert.True(VrpJson.TryLoad(file, out var table, out string error), error);
        Assert.Equal(3, table!.Count);
        Assert.Equal(expected, table.Validate(P(prefix), RouteOrigin.Of(origin)));
    }

    [Fact]
    public void Check_config_reads_the_file_as_bmp_expected_origins_file()
    {
        string file = WriteOrigins();
        string table = TestTables.BroadbandEdge(_dir.File("out"));
        var (code, output, err) = AgentProcess.Run(["check-config", "--table", table, "--set", "bmp.enabled=true", "--set", $"bmp.expected_origins_file={file}"]);
        Assert.True(code == 0, err);
        Assert.Contains("# bmp.expected_origins_file: 3 entries (1 IPv4, 2 IPv6)", output);
    }
}
