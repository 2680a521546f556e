using System.CommandLine;
using PolicyKit.Agent.Runtime;

namespace PolicyKit.Agent.Cli;

/// <summary>
/// <c>mpol-agent check-config</c>: load and check the configuration (and the table it names, when
/// it names one) without starting anything; print the effective settings with secrets masked.
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
            if (!parse.GetValue(quiet))
            {
                output.Write(result.Settings!.Describe(result.Keys, result.RawValue));
                output.WriteLine($"# table: device {table!.Info.Device}, checksum {table.Info.Checksum}, serial {(table.Info.Serial == 0 ? "none" : table.Info.Serial)}, signature {(table.Info.SignatureVerified ? "verified" : "not checked")}");
                output.WriteLine("# configuration OK");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
