using System.Text;
using PolicyKit.Telemetry.Fleet;

namespace PolicyKit.Telemetry.Tests;

/// <summary>How the fleet's retained topics are grouped into agents and read back (the broker part is in the agent's fleet tests).</summary>
public sealed class FleetReaderTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Topics_group_by_site_and_device_with_names_decoded_and_foreign_topics_ignored()
    {
        var messages = new Dictionary<string, byte[]>
        {
            ["policykit/v1/north%20pop/pe%2F1/status"] = B("""{"state":"online","table":{"sha256":"ab12","serial":7}}"""),
            ["policykit/v1/north%20pop/pe%2F1/limits/interface/Gi0%2F0%2F1/igmp"] = B("{}"),
            ["policykit/v1/north%20pop/pe%2F1/bmp/station"] = B("{}"),
            ["policykit/v1/north%20pop/pe%2F1/bmp/r1@10.0.0.1/192.0.2.1"] = B("{}"),
            ["policykit/v1/lab/edge-9/limits/route-limit"] = B("{}"),
            ["policykit/v1/lab"] = B("{}"),                       // too short: not an agent's
            ["other/v1/lab/x/status"] = B("{}"),                   // another prefix
            ["policykit/v1/lab/edge-9/unknown"] = B("{}"),         // not a topic the agent writes
        };
        var devices = FleetReader.Group("policykit/v1/", messages);

        Assert.Equal(["lab/edge-9", "north pop/pe/1"], devices.Select(d => $"{d.Site}/{d.Device}"));
        var pe = devices[1];
        Assert.NotNull(pe.Status);
        Assert.Equal(["interface/Gi0%2F0%2F1/igmp"], pe.Limits.Select(l => l.Key));
        Assert.Equal(["r1@10.0.0.1/192.0.2.1", "station"], pe.Bmp.Select(b => b.Key));
        Assert.Null(devices[0].Status);
        Assert.Single(devices[0].Limits);
    }

    [Theory]
    [InlineData("""{"state":"online","table":{"sha256":"ab12","serial":7}}""", "online", "ab12", 7L)]
    [InlineData("""{"state":"offline","reason":"connection-lost"}""", "offline", null, null)]
    [InlineData("""{"v":1}""", "unknown", null, null)]
    public void A_status_summary_takes_what_is_there(string json, string state, string? sha, long? serial)
    {
        var summary = StatusSummary.Parse(B(json));
        Assert.NotNull(summary);
        Assert.Equal(state, summary.State);
        Assert.Equal(sha, summary.TableSha256);
        Assert.Equal(serial, summary.TableSerial);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("")]
    public void A_payload_that_is_not_a_status_object_is_null(string text) => Assert.Null(StatusSummary.Parse(B(text)));

    [Theory]
    [InlineData("GigabitEthernet0/0/1", "GigabitEthernet0%2F0%2F1")]
    [InlineData("a+b#c%d e", "a%2Bb%23c%25d%20e")]
    [InlineData("", "-")]
    public void Levels_encode_and_decode_back(string name, string level)
    {
        Assert.Equal(level, TopicLevel.Encode(name));
        if (name.Length > 0) Assert.Equal(name, TopicLevel.Decode(level));
    }

    [Fact]
    public void Options_never_print_the_password_and_a_password_needs_a_user()
    {
        var options = BrokerReadOptions.FromArguments("broker.example", null, null, null, null, "noc", null, v => v == BrokerReadOptions.PasswordVariable ? "p4ss-w0rd" : null, out var errors);
        Assert.Empty(errors);
        Assert.Equal("broker.example:1883", options!.Broker.Endpoint);
        Assert.Equal("p4ss-w0rd", options.Password);
        Assert.DoesNotContain("p4ss-w0rd", options.ToString());

        Assert.Null(BrokerReadOptions.FromArguments("broker.example", null, null, null, null, null, null, _ => "p4ss-w0rd", out errors));
        Assert.Contains(errors, e => e.Contains("needs --username", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("p4ss-w0rd", StringComparison.Ordinal));
    }
}
