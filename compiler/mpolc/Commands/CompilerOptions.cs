using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using PolicyKit.Compiler;

namespace PolicyKit.Mpolc.Commands;

/// <summary>The options that change what the compiler reports (--werror, --today), shared by every command that checks a policy.</summary>
internal sealed class CompilerOptions
{
    public const string DateFormat = "yyyy-MM-dd";

    public Option<bool> WarningsAsErrors { get; } = new("--werror")
    {
        Description = "Treat warnings as errors (exit code 1 on any warning).",
    };

    public Option<DateOnly?> Today { get; } = new("--today")
    {
        Description = "Judge key ages and validity windows as of this date, YYYY-MM-DD (default: today, UTC). Pins results in CI.",
        HelpName = "YYYY-MM-DD",
        CustomParser = ParseDate,
    };

    public Option<bool> AllowUnsupported { get; } = new("--allow-unsupported")
    {
        Description = "A construct the device's platform cannot express is a warning (MP4001) and a marked comment in the output, instead of an error.",
    };

    public Option<string[]> IncludeDirectories { get; } = new("--include-dir", "-I")
    {
        Description = "Allow includes from this folder too (repeatable). Without it, an include names a .mpol file in the policy's own folder tree or std/…",
        HelpName = "DIR",
        Arity = ArgumentArity.OneOrMore,
    };

    public Option<string[]> RpslPaths { get; } = new("--rpsl")
    {
        Description = "RPSL data (a file or folder of route/route6/as-set objects, as IRR databases export them) for IRR-built sets that name none (repeatable).",
        HelpName = "PATH",
        Arity = ArgumentArity.OneOrMore,
    };

    public void AddTo(Command command, bool withAllowUnsupported = false)
    {
        command.Add(WarningsAsErrors);
        command.Add(Today);
        command.Add(IncludeDirectories);
        command.Add(RpslPaths);
        if (withAllowUnsupported) command.Add(AllowUnsupported);
    }

    public CompilationOptions Read(ParseResult parseResult)
    {
        var options = new CompilationOptions
        {
            WarningsAsErrors = parseResult.GetValue(WarningsAsErrors),
            AllowUnsupported = parseResult.CommandResult.Command.Options.Contains(AllowUnsupported) && parseResult.GetValue(AllowUnsupported),
            IncludeDirectories = parseResult.GetValue(IncludeDirectories) ?? [],
            RpslPaths = parseResult.GetValue(RpslPaths) ?? [],
        };
        return parseResult.GetValue(Today) is { } today ? options with { Today = today } : options;
    }

    // Exactly YYYY-MM-DD: the built-in DateOnly parsing accepts whatever the culture accepts
    // (2026/3/1, "March 1"), and a date that means different things on two machines has no
    // place in a CI pin.
    private static DateOnly? ParseDate(ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        string text = result.Tokens[^1].Value;
        if (DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        result.AddError($"invalid date '{text}' for --today: expected YYYY-MM-DD");
        return null;
    }
}
