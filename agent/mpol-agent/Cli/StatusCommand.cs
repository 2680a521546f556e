using System.CommandLine;
using System.Net.Http;
using PolicyKit.Agent.Status;

namespace PolicyKit.Agent.Cli;

/// <summary>
/// <c>mpol-agent status</c>: every limit as a bar, from the local status endpoint (default) or from
/// the broker's retained topics (<c>--mqtt</c>), once or refreshed (<c>--watch</c>).
/// Exit 0 when the agent is online, 1 when offline or unreachable.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var endpoint = new Option<string>("--endpoint") { Description = "the agent's status endpoint HOST:PORT (agent.status_listen)", DefaultValueFactory = _ => "127.0.0.1:9478" };
        var mqtt = new Option<string?>("--mqtt") { Description = "read the retained telemetry from this broker HOST:PORT instead" };
        var site = new Option<string?>("--site") { Description = "with --mqtt: the agent's site" };
        var device = new Option<string?>("--device") { Description = "with --mqtt: the agent's device" };
        var prefix = new Option<string>("--prefix") { Description = "with --mqtt: the topic prefix", DefaultValueFactory = _ => "policykit/v1" };
        // --format as in mpolc; --json stays as its older spelling.
        var format = new Option<string>("--format", "-f") { Description = "text (bars, for people) or json (the status document, for scripts); default: text", HelpName = "text|json", CustomParser = ParseFormat };
        var json = new Option<bool>("--json") { Description = "= --format json" };
        var watch = new Option<double?>("--watch") { Description = "refresh every N seconds until interrupted", HelpName = "SECONDS", CustomParser = ParseSeconds };
        var command = new Command("status", "Show every limit's use as a bar (from the agent's status endpoint or from MQTT).")
        {
            endpoint, mqtt, site, device, prefix, format, json, watch,
        };
        command.SetAction(async (parse, cancel) =>
        {
            string? broker = parse.GetValue(mqtt);
            if (broker is not null && (parse.GetValue(site) is null || parse.GetValue(device) is null))
            {
                error.WriteLine("mpol-agent: error: --mqtt needs --site and --device (the topics are policykit/v1/SITE/DEVICE/…)");
                return ExitCodes.ConfigOrUsage;
            }
            bool asJson = parse.GetValue(json) || parse.GetValue(format) == "json";
            while (true)
            {
                int code = broker is null
                    ? await FromEndpointAsync(parse.GetValue(endpoint)!, asJson, output, error, cancel)
                    : await FromMqttAsync(broker, $"{parse.GetValue(prefix)!.TrimEnd('/')}/{Telemetry.TopicScheme.Level(parse.GetValue(site)!)}/{Telemetry.TopicScheme.Level(parse.GetValue(device)!)}", asJson, output, error, cancel);
                if (parse.GetValue(watch) is not { } seconds || cancel.IsCancellationRequested) return code;
                try { await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.2, seconds)), cancel); }
                catch (OperationCanceledException) { return code; }
                output.WriteLine();
            }
        });
        return command;
    }

    private static string ParseFormat(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "text";
        if (text is "text" or "json") return text;
        result.AddError($"unknown value '{text}' for --format: expected text or json");
        return "text";
    }

    // The built-in parser's error names the CLR type (System.Nullable`1[System.Double]).
    private static double? ParseSeconds(System.CommandLine.Parsing.ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        string text = result.Tokens[^1].Value;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
            && double.IsFinite(seconds) && seconds > 0)
        {
            return seconds;
        }
        result.AddError($"invalid value '{text}' for --watch: expected a number of seconds greater than 0 (e.g. 2 or 0.5)");
        return null;
    }

    private static async Task<int> FromEndpointAsync(string endpoint, bool json, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        byte[] body;
        try
        {
            body = await http.GetByteArrayAsync($"http://{endpoint}/status", cancel);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            error.WriteLine($"mpol-agent: agent unreachable at http://{endpoint}/status: {e.Message}");
            return ExitCodes.Offline;
        }
        return Show(body, [], json, output, error);
    }

    private static async Task<int> FromMqttAsync(string broker, string root, bool json, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        int colon = broker.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(broker[(colon + 1)..], out int port) || port is < 1 or > 65535)
        {
            error.WriteLine($"mpol-agent: error: --mqtt '{broker}': expected HOST:PORT");
            return ExitCodes.ConfigOrUsage;
        }
        var (status, limits, problem) = await MqttStatusReader.ReadAsync(broker[..colon].Trim('[', ']'), port, root, TimeSpan.FromSeconds(5), cancel);
        if (status is null)
        {
            error.WriteLine($"mpol-agent: {problem}");
            return ExitCodes.Offline;
        }
        return Show(status, limits, json, output, error);
    }

    private static int Show(byte[] status, IReadOnlyList<byte[]> limits, bool json, TextWriter output, TextWriter error)
    {
        StatusView view;
        try
        {
            view = StatusView.Parse(status, limits);
        }
        catch (System.Text.Json.JsonException e)
        {
            error.WriteLine($"mpol-agent: the status is not valid JSON: {e.Message}");
            return ExitCodes.Offline;
        }
        if (json) output.WriteLine(System.Text.Encoding.UTF8.GetString(status));
        else output.Write(view.Render());
        return view.State == "online" ? ExitCodes.Ok : ExitCodes.Offline;
    }
}
