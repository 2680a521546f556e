using System.CommandLine;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Files;
using PolicyKit.Tables.Format;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc inspect FILE.mpt [--format text|json] [--trusted-key PUB.pem ...]</c>: read an agent
/// table exactly as mpol-agent does and print it — the framing (format version, size, checksum,
/// signature, sections) and the content. With trusted keys, a signature by one of them is
/// required, as an agent configured with those keys would require it. Exit codes: 0 the table
/// was read, 1 the table is refused (the reason on stderr), 2 usage or I/O error.
/// </summary>
internal static class InspectCommand
{
    /// <summary>The table is refused: not a table, corrupt, truncated, a newer major version, or a signature problem.</summary>
    public const int Refused = 1;

    private enum OutputFormat
    {
        Text,
        Json,
    }

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "An agent table (DEVICE.mpt, written by mpolc compile --target agent)." };
        UnknownOptions.RefuseIn(file);
        var format = new Option<OutputFormat>("--format", "-f")
        {
            Description = "Output format: text (for people) or json (for scripts).",
            HelpName = "text|json",
        };
        ChoiceParser.Configure(format, [("text", OutputFormat.Text), ("json", OutputFormat.Json)]);
        var trustedKeys = new Option<string[]>("--trusted-key", "-k")
        {
            Description = "A public key (PEM) whose signature is accepted (repeatable). With any, an unsigned table or one signed by another key is refused.",
            HelpName = "PUB.pem",
            Arity = ArgumentArity.OneOrMore,
        };

        var command = new Command("inspect", "Print an agent table (.mpt) as text or JSON, verifying it as mpol-agent would (exit 0 ok, 1 refused, 2 error).");
        command.Add(file);
        command.Add(format);
        command.Add(trustedKeys);
        command.SetAction(parseResult => Run(context, parseResult.GetValue(file)!, parseResult.GetValue(format), parseResult.GetValue(trustedKeys) ?? []));
        return command;
    }

    private static int Run(CliContext context, string path, OutputFormat format, IReadOnlyList<string> keyPaths)
    {
        TableVerifier? verifier = null;
        if (keyPaths.Count > 0)
        {
            var pems = new List<string>();
            foreach (var keyPath in keyPaths)
            {
                if (!CompileCommand.TryReadKey(context, keyPath, out string pem)) return ExitCodes.UsageOrIoError;
                pems.Add(pem);
            }
            try
            {
                verifier = TableVerifier.FromPem(pems, keyPaths);
            }
            catch (TableKeyException e)
            {
                context.ReportError(e.Message);
                return ExitCodes.UsageOrIoError;
            }
        }

        using (verifier)
        {
            if (!BoundedFile.TryReadAllBytes(path, TableFormat.MaxFileLength, out byte[] bytes, out string readError))
            {
                context.ReportError($"cannot read '{path}': {readError}");
                return ExitCodes.UsageOrIoError;
            }

            LoadedTable loaded;
            try
            {
                loaded = TableReader.Load(bytes, verifier);
            }
            catch (TableFormatException e)
            {
                context.ReportError($"{path}: {e.Message}");
                return Refused;
            }
            // Exactly what the agent does after reading: a table it would refuse is refused here too.
            if (!CompiledTable.TryBuild(loaded.Table, out _, out string engineError))
            {
                context.ReportError($"{path}: {engineError}");
                return Refused;
            }

            if (format == OutputFormat.Json)
            {
                context.Out.Write(TableJson.Render(loaded.Table, loaded.File));
            }
            else
            {
                context.Out.Write($"file      {path}\n");
                context.Out.Write(TableText.Render(loaded.Table, loaded.File));
            }
            return ExitCodes.Success;
        }
    }
}
