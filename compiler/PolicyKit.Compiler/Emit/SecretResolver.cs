using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Tables.Files;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Turns secret references into values at emit time: env("X") from the environment, file("p")
/// from a file relative to the policy that names it (a regular file of at most 64 KB; one
/// trailing line break, as editors write, is not part of the value). With --redact nothing is
/// read and a placeholder naming the reference stands in. A missing secret is an error (MP4002);
/// a value that is empty or holds a line break or control character (MP4020), or a character the
/// target cannot take (MP4021, <see cref="SecretRules"/>), is an error too, and nothing of it is
/// written. Every message names the reference, never a value.
/// </summary>
public sealed class SecretResolver(EmitOptions options, DiagnosticBag diagnostics, string target = "")
{
    /// <summary>The largest secret file read.</summary>
    public const int MaxFileBytes = 64 * 1024;

    public bool UsedAny { get; private set; }

    public string Resolve(SecretRef secret)
    {
        if (options.Redact) return $"<redacted:{secret.Source.ToString().ToLowerInvariant()}:{secret.Reference}>";
        UsedAny = true;
        string? value = Read(secret);
        if (value is null) return string.Empty;
        if (SecretRules.Unusable(value) is { } reason)
        {
            diagnostics.Add(secret.Span, c => c.SecretUnusable(secret.Display, reason));
            return string.Empty;
        }
        if (SecretRules.Unwritable(target, value) is { } rule)
        {
            diagnostics.Add(secret.Span, c => c.SecretUnwritable(secret.Display, target, rule));
            return string.Empty;
        }
        return value;
    }

    private string? Read(SecretRef secret)
    {
        switch (secret.Source)
        {
            case SecretSource.Inline:
                return secret.Reference;
            case SecretSource.Environment:
                var value = options.Environment(secret.Reference);
                if (value is null)
                {
                    diagnostics.Add(secret.Span, c => c.SecretUnavailable(secret.Display, "the environment variable is not set"));
                    return null;
                }
                return value;
            default:
                string directory = Path.GetDirectoryName(secret.Span.File.Path) ?? ".";
                string path = Path.IsPathRooted(secret.Reference) ? secret.Reference : Path.Combine(directory, secret.Reference);
                if (!BoundedFile.TryReadAllText(path, MaxFileBytes, out string text, out string error))
                {
                    diagnostics.Add(secret.Span, c => c.SecretUnavailable(secret.Display, error));
                    return null;
                }
                return text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        }
    }
}
