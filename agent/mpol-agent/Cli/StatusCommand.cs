using System.CommandLine;
using System.Net.Http;
using PolicyKit.Agent.Status;
using PolicyKit.FleetCli;
using PolicyKit.Telemetry.Fleet;

namespace PolicyKit.Agent.Cli;

/// <summary>
/// <c>mpol-agent status</c>: every limit as a bar, from the local status endpoint (default) or from
/// the broker's retained topics (<c>--mqtt</c>: one agent, or the fleet on one screen with
/// <c>--site '+' --device '+'</c>), once or refreshed (<c>--watch</c>).
/// Exit 0 when the agent (every agent) is online, 1 when offline or unreachable.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string> environment)
    {
        var endpoint = new Option<string>("--endpoint") { Description = "the agent's status endpoint HOST:PORT (agent.status_listen)", DefaultValueFactory = _ => "127.0.0.1:9478" };
        var broker = new BrokerReadArguments("read the retained telemetry of the fleet from this broker instead (docs/telemetry.md)", brokerRequired: false);
        var site = new Option<string>("--site") { Description = "with --mqtt: the agents' site, or + for every site", DefaultValueFactory = _ => FleetReader.AnyLevel };
        var device = new Option<string>("--device") { Description = "with --mqtt: the agent's device, or + for every device", DefaultValueFactory = _ => FleetReader.AnyLevel };
        var prefix = new Option<string>("--prefix") { Description = "with --mqtt: the topic prefix", DefaultValueFactory = _ => "policykit/v1" };
        // --format as in mpolc; --json stays as its older spelling.
        var format = new Option<string>("--format", "-f") { Description = "text (bars, for people) or json (the status document, for scripts); default: text", HelpName = "text|json", CustomParser = ParseFormat };
        var json = new Option<bool>("--json") { Description = "= --format json" };
        var watch = new Option<double?>("--watch") { Description = "refresh every N seconds until interrupted", HelpName = "SECONDS", CustomParser = ParseSeconds };
        var command = new Command("status", "Show every limit's use as a bar (from the agent's status endpoint), or the fleet's agents from the broker's retained topics (--mqtt).")
        {
            endpoint, site, device, prefix, format, json, watch,
        };
        broker.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            BrokerReadOptions? fromBroker = null;
            if (parse.GetValue(broker.Broker) is not null)
            {
                fromBroker = broker.Read(parse, name => environment.GetValueOrDefault(name), out var problems);
                if (fromBroker is null)
                {
                    foreach (string problem in problems) error.WriteLine($"mpol-agent: error: {problem}");
                    return ExitCodes.ConfigOrUsage;
                }
            }
            bool asJson = parse.GetValue(json) || parse.GetValue(format) == "json";
            while (true)
            {
                int code = fromBroker is null
                    ? await FromEndpointAsync(parse.GetValue(endpoint)!, asJson, output, error, cancel)
                    : await FromMqttAsync(fromBroker, parse.GetValue(prefix)!, parse.GetValue(site)!, parse.GetValue(device)!, asJson, output, error, cancel);
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
        return Show(body, json, output, error);
    }

    /// <summary>
    /// One agent (site and device named) as <c>status</c> shows it from its endpoint; several
    /// (a <c>+</c> in either) on one screen. Exit 0 when every agent found is online, 1 when one
    /// is not or none is found.
    /// </summary>
    private static async Task<int> FromMqttAsync(BrokerReadOptions broker, string prefix, string site, string device, bool json, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var fleet = await FleetReader.ReadAsync(broker, prefix, site, device, cancel);
        if (fleet.Error is not null)
        {
            error.WriteLine($"mpol-agent: {fleet.Error}");
            return ExitCodes.Offline;
        }
        string filter = $"{prefix.TrimEnd('/')}/{site}/{device}";
        bool one = site != FleetReader.AnyLevel && device != FleetReader.AnyLevel;
        if (fleet.Devices.Count == 0 || (one && fleet.Devices[0].Status is null))
        {
            error.WriteLine($"mpol-agent: no retained status under {filter} at mqtt://{broker.Broker.Endpoint}: is the site/device right, has the agent ever connected?");
            return ExitCodes.Offline;
        }
        var views = fleet.Devices.Select(StatusView.FromRetained).ToList();
        if (json) WriteJson(fleet.Devices, output);
        else output.Write(one ? views[0].Render() : FleetView.Render(filter, views));
        return views.All(v => v.State == "online") ? ExitCodes.Ok : ExitCodes.Offline;
    }

    /// <summary>The agents as the broker retains them: a JSON array of {site, device, status, limits, bmp} with the payloads as they are.</summary>
    private static void WriteJson(IReadOnlyList<FleetDevice> devices, TextWriter output)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (var d in devices)
            {
                w.WriteStartObject();
                w.WriteString("site", d.Site);
                w.WriteString("device", d.Device);
                w.WritePropertyName("status");
                WritePayload(w, d.Status);
                w.WriteStartObject("limits");
                foreach (var (scope, payload) in d.Limits)
                {
                    w.WritePropertyName(scope);
                    WritePayload(w, payload);
                }
                w.WriteEndObject();
                w.WriteStartObject("bmp");
                foreach (var (topic, payload) in d.Bmp)
                {
                    w.WritePropertyName(topic);
                    WritePayload(w, payload);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));

        // A payload that is not JSON (not an agent's) is shown as null rather than breaking the document.
        static void WritePayload(System.Text.Json.Utf8JsonWriter w, byte[]? payload)
        {
            try
            {
                if (payload is not null)
                {
                    using var doc = System.Text.Json.JsonDocument.Parse(payload);
                    doc.RootElement.WriteTo(w);
                    return;
                }
            }
            catch (System.Text.Json.JsonException)
            {
            }
            w.WriteNullValue();
        }
    }

    private static int Show(byte[] status, bool json, TextWriter output, TextWriter error)
    {
        StatusView view;
        try
        {
            view = StatusView.Parse(status);
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
