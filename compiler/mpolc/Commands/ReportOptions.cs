using System.CommandLine;
using PolicyKit.Compiler.Output;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// How diagnostics are reported (--format, --output, --color), shared by every command that
/// reports them, and the writing itself.
/// </summary>
internal sealed class ReportOptions
{
    public Option<DiagnosticFormat> Format { get; } = new("--format", "-f")
    {
        Description = "Output format: text (for people), json (for scripts), sarif (for code scanning).",
        HelpName = "text|json|sarif",
    };

    public Option<string?> Output { get; } = new("--output", "-o")
    {
        Description = "Write the diagnostics to FILE instead of standard output.",
        HelpName = "FILE",
    };

    public Option<ColorMode> Color { get; } = new("--color")
    {
        Description = "Colour the text format: auto (when stdout is a terminal and NO_COLOR is unset), always, never.",
        HelpName = "auto|always|never",
    };

    public ReportOptions()
    {
        ChoiceParser.Configure(Format, [("text", DiagnosticFormat.Text), ("json", DiagnosticFormat.Json), ("sarif", DiagnosticFormat.Sarif)]);
        ChoiceParser.Configure(Color, [("auto", ColorMode.Auto), ("always", ColorMode.Always), ("never", ColorMode.Never)]);
    }

    /// <summary>Adds the options; commands whose -o names their own output (compile) leave --output out.</summary>
    public void AddTo(Command command, bool withOutput = true)
    {
        command.Add(Format);
        if (withOutput) command.Add(Output);
        command.Add(Color);
    }

    /// <summary>Renders the report where the options say; returns false (after saying why on stderr) when the output file cannot be written.</summary>
    public bool Write(ParseResult parseResult, CliContext context, DiagnosticReport report)
    {
        string? outputPath = parseResult.CommandResult.Command.Options.Contains(Output) ? parseResult.GetValue(Output) : null;
        var formatter = CreateFormatter(parseResult.GetValue(Format), UseColor(parseResult.GetValue(Color), context, toFile: outputPath is not null), context);
        if (outputPath is null)
        {
            formatter.Write(context.Out, report);
            return true;
        }

        // Rendered first and written in one go, so a failure while rendering leaves no
        // half-written file behind.
        var text = new StringWriter { NewLine = "\n" };
        formatter.Write(text, report);
        try
        {
            File.WriteAllText(outputPath, text.ToString());
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            context.ReportError($"cannot write '{outputPath}': {InputFiles.Reason(e)}");
            return false;
        }
    }

    private static IDiagnosticFormatter CreateFormatter(DiagnosticFormat format, bool useColor, CliContext context) => format switch
    {
        DiagnosticFormat.Json => new JsonDiagnosticFormatter(),
        DiagnosticFormat.Sarif => new SarifDiagnosticFormatter(SarifLinks(context)),
        _ => new TextDiagnosticFormatter(useColor),
    };

    /// <summary>Help links to the docs shipped beside mpolc, or where MPOLC_DOCS_URI says they are served.</summary>
    private static SarifOptions SarifLinks(CliContext context)
    {
        string docs = ToolInfo.DocsUri(context.GetEnvironmentVariable);
        return new SarifOptions { InformationUri = docs, HelpUri = code => ToolInfo.DiagnosticHelpUri(code, docs) };
    }

    /// <summary>The NO_COLOR convention (no-color.org): set and non-empty turns colour off; an explicit --color always still wins.</summary>
    internal static bool UseColor(ColorMode mode, CliContext context, bool toFile) => mode switch
    {
        ColorMode.Always => true,
        ColorMode.Never => false,
        _ => !toFile
             && context.OutIsTerminal
             && string.IsNullOrEmpty(context.GetEnvironmentVariable("NO_COLOR"))
             && context.GetEnvironmentVariable("TERM") != "dumb",
    };
}
