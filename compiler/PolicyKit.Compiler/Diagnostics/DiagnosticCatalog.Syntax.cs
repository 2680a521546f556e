namespace PolicyKit.Compiler.Diagnostics;

// MP1xxx: reading files, lexing, parsing, literals.
public sealed partial class DiagnosticCatalog
{
    public DiagnosticTemplate SyntaxError(string message, string? hint) =>
        Error("MP1001", message, hint);

    /// <summary>With <paramref name="inSecret"/>, the character is part of a secret value and is not shown.</summary>
    public DiagnosticTemplate UnexpectedCharacter(string text, bool inSecret = false) =>
        Error("MP1002", inSecret ? "unexpected character in a secret (not shown)" : $"unexpected character '{text}'", "remove it, or quote text with \"...\"");

    public DiagnosticTemplate IncludeNotFound(string path) =>
        Error("MP1003", $"included file '{path}' was not found",
            "paths are relative to the including file; 'std/…' names the shipped standard library");

    public DiagnosticTemplate IncludeCycle(string chain) =>
        Error("MP1004", $"include cycle: {chain}", "remove one of the includes");

    public DiagnosticTemplate InvalidAddress(string text, string reason) =>
        Error("MP1005", $"'{text}' is not a valid address or prefix: {reason}");

    public DiagnosticTemplate HostBitsSet(string text, string network) =>
        Warning("MP1006", $"prefix '{text}' has host bits set; it means {network}", $"write '{network}'");

    public DiagnosticTemplate InvalidNumber(string text, string reason) =>
        Error("MP1007", $"'{text}' is not a valid value here: {reason}");

    public DiagnosticTemplate InvalidDate(string text) =>
        Error("MP1008", $"'{text}' is not a valid date", "dates are written YYYY-MM-DD");

    public DiagnosticTemplate IncludeReadFailed(string path, string reason) =>
        Error("MP1009", $"cannot read '{path}': {reason}");

    public DiagnosticTemplate IncludeOutsideScope(string path) =>
        Error("MP1010", $"included file '{path}' is outside the policy's folder",
            "an include names a file in the folder of the policy (or below it) or std/…; allow another folder with --include-dir DIR");

    public DiagnosticTemplate IncludeNotPolicy(string path) =>
        Error("MP1011", $"included file '{path}' is not a policy file",
            "an include names a policy file, NAME.mpol");

    public DiagnosticTemplate ControlCharacterInString(string character) =>
        Error("MP1030", $"a string holds a control character ({character})",
            "strings are written into router configurations line by line: a line break or other control character would end the line and start a command of its own; write the text without it");

    public DiagnosticTemplate RepeatOutOfRange(string text) =>
        Error("MP1020", $"repeat count {text} is out of range", "a test step repeats 1 to 10000 times");
}
