using PolicyKit.Compiler.Plan;

namespace PolicyKit.Compiler.Tests.Robustness;

/// <summary>
/// mpolc plan reads `nft -j list ruleset` from a file the operator gives: hostile input. Whatever
/// the text, the plan is made or FormatException says why — no other exception, no crash.
/// </summary>
public sealed class NftablesPlanInputTests
{
    private const string Ruleset = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},
         {"table": {"family": "inet", "name": "policykit", "handle": 1}},
         {"set": {"family": "inet", "name": "pk_enc_v4", "table": "policykit", "type": "ipv4_addr", "handle": 2, "flags": ["interval"],
                  "elem": [{"prefix": {"addr": "10.1.0.0", "len": 16}}, {"range": ["10.5.0.0", "10.5.255.255"]}]}},
         {"chain": {"family": "inet", "table": "policykit", "name": "pk_in_eth1", "handle": 3}},
         {"rule": {"family": "inet", "table": "policykit", "chain": "pk_in_eth1", "handle": 4, "expr": [{"drop": null}]}},
         {"table": {"family": "inet", "name": "site", "handle": 5}}]}
        """;

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("[{\"nftables\": []}]")]
    [InlineData("{\"nftables\": 3}")]
    [InlineData("{\"nftables\": [1, \"x\", null, [], {\"table\": 7}, {\"set\": {\"family\": 4, \"table\": [\"policykit\"]}}]}")]
    [InlineData("{\"nftables\": [{\"set\": {\"family\": \"inet\", \"table\": \"policykit\", \"name\": {\"x\": 1}, \"elem\": 5}}]}")]
    [InlineData("not json at all")]
    public void A_malformed_ruleset_is_a_format_error_or_a_plan(string running) => AssertHandled(running);

    [Fact]
    public void Every_truncation_and_byte_flip_of_a_ruleset_is_handled()
    {
        for (int length = 0; length <= Ruleset.Length; length++) AssertHandled(Ruleset[..length]);
        var random = new Random(16);
        for (int i = 0; i < 2000; i++)
        {
            var chars = Ruleset.ToCharArray();
            chars[random.Next(chars.Length)] = "{}[]\",:0an "[random.Next(11)];
            AssertHandled(new string(chars));
        }
    }

    [Fact]
    public void The_same_table_with_other_handles_needs_no_change_and_another_table_is_not_compared()
    {
        string renumbered = Ruleset.Replace("\"handle\": 4", "\"handle\": 40", StringComparison.Ordinal)
            .Replace("\"name\": \"site\"", "\"name\": \"site2\"", StringComparison.Ordinal);
        Assert.Empty(NftablesPlan.Make(renumbered, Ruleset, "table inet policykit\n").Commands);
        var plan = NftablesPlan.Make(Ruleset.Replace("\"len\": 16", "\"len\": 24", StringComparison.Ordinal), Ruleset, "table inet policykit\n");
        Assert.Equal(["# set pk_enc_v4: add 10.1.0.0/16", "# set pk_enc_v4: remove 10.1.0.0/24", "table inet policykit"], plan.Commands);
    }

    private static void AssertHandled(string running)
    {
        try
        {
            NftablesPlan.Make(running, Ruleset, "table inet policykit\n");
        }
        catch (FormatException)
        {
        }
    }
}
