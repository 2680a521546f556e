using System.CommandLine;
using PolicyKit.Agent.Runtime;

namespace PolicyKit.Agent.Cli;

/// <summary>
/// <c>mpol-agent check-config</c>: load and check the configuration (and the table it names, when
/// it names one, and the BMP station's origin files) without starting anything; print the effective settings with secrets masked.
/// Exit 0 when the agent would start, 2 otherwise.
/// </summary>
internal static class CheckConfigCommand
{
    public static Command Create(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string> environment)
    {
        var options = new ConfigOptions();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "print nothing when the configuration is good" };
        var command = new Command("check-config", "Check the configuration (and the table it names) and print the effective settings.");
        options.AddTo(command);
        command.Add(quiet);
        command.SetAction(parse =>
        {
            var result = options.Load(parse, environment);
            if (!result.Ok) return ConfigOptions.Report(result, error);
            foreach (var w in result.Warnings) error.WriteLine($"mpol-agent: {w}");
            var plan = RunPlanFactory.Create(result.Settings!, error);
            if (plan is null) return ExitCodes.ConfigOrUsage;
            if (!TableFile.TryLoad(plan.Runtime.TablePath, plan.Runtime.Verifier, out var table, out string tableError))
            {
                error.WriteLine($"mpol-agent: error: agent.table: {tableError}");
                return ExitCodes.ConfigOrUsage;
            }
            // The BMP station's origin files are read whole, as the station would at start.
            var origins = new List<string>();
            foreach (var (key, file) in new[] { ("bmp.rpki_file", plan.Bmp?.RpkiFile), ("bmp.expected_origins_file", plan.Bmp?.ExpectedOriginsFile) })
            {
                if (file is null) continue;
                if (!Bmp.Analysis.VrpJson.TryLoad(file, out var entries, out string originError))
                {
                    error.WriteLine($"mpol-agent: error: {key}: {originError}");
                    return ExitCodes.ConfigOrUsage;
                }
                origins.Add($"# {key}: {entries!.Count} entries ({entries.Ipv4Count} IPv4, {entries.Ipv6Count} IPv6)");
            }
            if (!parse.GetValue(quiet))
            {
                output.Write(result.Settings!.Describe(result.Keys, result.RawValue));
                output.WriteLine($"# table: device {table!.Info.Device}, checksum {table.Info.Checksum}, serial {(table.Info.Serial == 0 ? "none" : table.Info.Serial)}, signature {(table.Info.SignatureVerified ? "verified" : "not checked")}");
                foreach (string line in origins) output.WriteLine(line);
                output.WriteLine("# configuration OK");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
