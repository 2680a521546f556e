using System.CommandLine;
using System.CommandLine.Invocation;
using PolicyKit.Compiler.Output;
using PolicyKit.Mpolc.Commands;

namespace PolicyKit.Mpolc;

/// <summary>
/// The command tree and its invocation. Each subcommand lives in Commands/ (check now;
/// compile, diff, inspect, explain later) and is added here.
/// </summary>
internal static class MpolcCommandLine
{
    public static RootCommand Create(CliContext context)
    {
        var root = new RootCommand(
            "mpolc — the PolicyKit compiler for multicast/BGP security policies (.mpol).\n" +
            "Exit codes: 0 no errors, 1 the policy has errors, 2 usage or I/O error, 3 internal error.");

        // The default --version prints the entry assembly's version, which in-process (tests,
        // tools hosting mpolc) is the host's, not mpolc's; print the compiler's own.
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new PrintVersionAction(context);
        }

        root.Add(CheckCommand.Create(context));
        root.Add(CompileCommand.Create(context));
        root.Add(DiffCommand.Create(context));
        root.Add(DriftCommand.Create(context));
        root.Add(ExplainCommand.Create(context));
        root.Add(InspectCommand.Create(context));
        root.Add(PlanCommand.Create(context));
        root.Add(QueryCommand.Create(context));
        root.Add(TestCommand.Create(context));
        root.Add(FmtCommand.Create(context));
        root.Add(Lsp.LspCommand.Create(context));
        root.Add(LockCommand.Create(context));
        root.Add(OriginsCommand.Create(context));
        return root;
    }

    public static int Run(string[] args, CliContext context)
    {
        var root = Create(context);
        var parseResult = root.Parse(args);

        // System.CommandLine reports parse errors with exit code 1, which mpolc reserves for
        // "the policy has errors"; usage errors get 2 and a one-line form per error.
        if (parseResult.Action is ParseErrorAction || (parseResult.Action is null && parseResult.Errors.Count > 0))
        {
            foreach (var error in parseResult.Errors)
            {
                context.ReportError(error.Message);
            }
            string command = parseResult.CommandResult.Command is RootCommand ? "mpolc" : $"mpolc {parseResult.CommandResult.Command.Name}";
            context.Error.WriteLine($"Try '{command} --help' for more information.");
            return ExitCodes.UsageOrIoError;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            // Exceptions are bugs: catch them below with our own exit code.
            EnableDefaultExceptionHandler = false,
            // No Ctrl+C hooks: every command is short and synchronous, and in-process runs
            // (tests) must not register process-wide handlers each time.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return parseResult.Invoke(invocation);
        }
        catch (Exception e)
        {
            context.Error.WriteLine($"mpolc: internal error: {e}");
            context.Error.WriteLine("This is a bug in mpolc; please report it with the policy that triggers it.");
            return ExitCodes.InternalError;
        }
    }

    private sealed class PrintVersionAction(CliContext context) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            context.Out.WriteLine($"{ToolInfo.Name} {ToolInfo.Version}");
            return ExitCodes.Success;
        }
    }
}
