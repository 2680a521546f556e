using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Turns secret references into values at emit time: env("X") from the environment, file("p")
/// from a file relative to the policy that names it. With --redact nothing is read and a
/// placeholder naming the reference stands in. A missing secret is an error (MP4002) whose
/// message names the reference, never a value.
/// </summary>
public sealed class SecretResolver(EmitOptions options, DiagnosticBag diagnostics)
{
    public bool UsedAny { get; private set; }

    public string Resolve(SecretRef secret)
    {
        if (options.Redact) return $"<redacted:{secret.Source.ToString().ToLowerInvariant()}:{secret.Reference}>";
        UsedAny = true;
        switch (secret.Source)
        {
            case SecretSource.Inline:
                return secret.Reference;
            case SecretSource.Environment:
                var value = options.Environment(secret.Reference);
                if (string.IsNullOrEmpty(value))
                {
                    diagnostics.Add(secret.Span, c => c.SecretUnavailable(secret.Display, "the environment variable is not set"));
                    return string.Empty;
                }
                return value;
            default:
                string directory = Path.GetDirectoryName(secret.Span.File.Path) ?? ".";
                string path = Path.IsPathRooted(secret.Reference) ? secret.Reference : Path.Combine(directory, secret.Reference);
                try
                {
                    return File.ReadAllText(path).Trim();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    diagnostics.Add(secret.Span, c => c.SecretUnavailable(secret.Display, e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : "the file cannot be read"));
                    return string.Empty;
                }
        }
    }
}
