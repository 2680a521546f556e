using System.CommandLine;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// System.CommandLine takes an unknown "--targt" for a file name, which would surface as
/// "cannot read '--targt'"; every command that takes files names it for what it is. A file
/// whose name starts with '-' is still reachable as ./-name.
/// </summary>
internal static class UnknownOptions
{
    public static void RefuseIn(Argument argument) => argument.Validators.Add(result =>
    {
        foreach (var token in result.Tokens)
        {
            if (token.Value.Length > 1 && token.Value[0] == '-') result.AddError($"unknown option '{token.Value}'");
        }
    });
}
