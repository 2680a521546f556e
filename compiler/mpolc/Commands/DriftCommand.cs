using System.CommandLine;
using System.Text.Json;
using PolicyKit.FleetCli;
using PolicyKit.Telemetry.Fleet;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc drift OUTDIR --mqtt BROKER</c>: compares the agent tables one compile wrote
/// (<c>OUTDIR/manifest.json</c>, their SHA-256) with the table each agent says it enforces (the
/// <c>table.sha256</c> of its retained status on the broker) and lists agents that enforce another
/// table, compiled agents that never reported, and agents the manifest does not know. Exit 0 when
/// every compiled agent enforces its table and no unknown agent reports, 4 when not (the exit code
/// of <c>plan</c> for "something differs"), 2 on usage or I/O errors (no manifest, broker unreachable).
/// </summary>
internal static class DriftCommand
{
    public const int Drift = 4;

    public static Command Create(CliContext context)
    {
        var outputDir = new Argument<string>("OUTDIR") { Description = "The output folder of mpolc compile (its manifest.json lists the agent tables)." };
        UnknownOptions.RefuseIn(outputDir);
        var broker = new BrokerReadArguments("the broker the agents report to (their retained status topics)", brokerRequired: true);
        var site = new Option<string>("--site") { Description = "only agents of this site (default: every site, +)", DefaultValueFactory = _ => FleetReader.AnyLevel };
        var prefix = new Option<string>("--prefix") { Description = "the agents' topic prefix (mqtt.topic_prefix)", DefaultValueFactory = _ => "policykit/v1" };
        var format = new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("drift", "List agents whose enforced table differs from the compiled one, compiled agents that never reported, and unknown agents (exit 0 none, 4 some, 2 usage/I/O).")
        {
            outputDir, site, prefix, format,
        };
        broker.AddTo(command);
        command.SetAction((parse, cancel) =>
        {
            var options = broker.Read(parse, context.GetEnvironmentVariable, out var problems);
            if (options is null)
            {
                foreach (string problem in problems) context.ReportError(problem);
                return Task.FromResult(ExitCodes.UsageOrIoError);
            }
            return RunAsync(context, parse.GetValue(outputDir)!, options, parse.GetValue(prefix)!, parse.GetValue(site)!, parse.GetValue(format) == "json", cancel);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string outputDir, BrokerReadOptions broker, string prefix, string site, bool json, CancellationToken cancel)
    {
        string manifestPath = Path.Combine(outputDir, DeploymentManifest.FileName);
        SortedDictionary<string, string> compiled;
        try
        {
            compiled = DeploymentManifest.AgentTables(await File.ReadAllTextAsync(manifestPath, cancel));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            context.ReportError(e is FileNotFoundException or DirectoryNotFoundException
                ? $"{manifestPath}: no such file (mpolc compile writes it into its output folder)"
                : $"{manifestPath}: {e.Message}");
            return ExitCodes.UsageOrIoError;
        }
        if (compiled.Count == 0)
        {
            context.ReportError($"{manifestPath} lists no agent table: compile with --target agent (or all) to compare agents");
            return ExitCodes.UsageOrIoError;
        }
        var fleet = await FleetReader.ReadAsync(broker, prefix, site, FleetReader.AnyLevel, cancel);
        if (fleet.Error is not null)
        {
            context.ReportError(fleet.Error);
            return ExitCodes.UsageOrIoError;
        }
        var findings = FleetDrift.Compare(compiled, fleet.Devices);
        if (json) WriteJson(context.Out, findings);
        else WriteText(context.Out, findings, $"{prefix.TrimEnd('/')}/{site}/+", manifestPath);
        return findings.Any(f => f.Kind != DriftKind.InSync) ? Drift : ExitCodes.Success;
    }

    private static void WriteText(TextWriter output, IReadOnlyList<DriftFinding> findings, string filter, string manifestPath)
    {
        foreach (var f in findings.Where(f => f.Kind != DriftKind.InSync))
        {
            output.WriteLine(f.Kind switch
            {
                DriftKind.Drift => $"drift: {f.Device} @ {f.Site} ({f.State}) enforces {Short(f.Enforced)}, compiled {Short(f.Compiled)}",
                DriftKind.Missing => $"missing: {f.Device}: compiled, but no agent reports under {filter}",
                _ => $"unknown: {f.Device} @ {f.Site} ({f.State}) enforces {Short(f.Enforced)}: not in {manifestPath}",
            });
        }
        int Count(DriftKind kind) => findings.Count(f => f.Kind == kind);
        output.WriteLine($"{findings.Where(f => f.Kind != DriftKind.Unknown).Select(f => f.Device).Distinct(StringComparer.Ordinal).Count()} compiled agent tables: {Count(DriftKind.InSync)} in sync, {Count(DriftKind.Drift)} drift, {Count(DriftKind.Missing)} missing; {Count(DriftKind.Unknown)} unknown agents");
    }

    private static string Short(string? sha) => sha is null ? "no table hash (an agent older than the sha256 field, or no table)" : sha.Length > 12 ? sha[..12] : sha;

    private static void WriteJson(TextWriter output, IReadOnlyList<DriftFinding> findings)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteBoolean("drift", findings.Any(f => f.Kind != DriftKind.InSync));
            w.WriteStartArray("agents");
            foreach (var f in findings)
            {
                w.WriteStartObject();
                w.WriteString("device", f.Device);
                if (f.Site is not null) w.WriteString("site", f.Site);
                w.WriteString("result", f.Kind switch { DriftKind.InSync => "in-sync", DriftKind.Drift => "drift", DriftKind.Missing => "missing", _ => "unknown" });
                if (f.State is not null) w.WriteString("state", f.State);
                if (f.Compiled is not null) w.WriteString("compiled_sha256", f.Compiled);
                if (f.Enforced is not null) w.WriteString("enforced_sha256", f.Enforced);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
