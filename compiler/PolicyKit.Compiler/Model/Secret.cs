using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

public enum SecretSource
{
    /// <summary>env("NAME"): read from the compiler's environment at compile time.</summary>
    Environment,

    /// <summary>file("path"): read from a file (relative to the policy) at compile time.</summary>
    File,

    /// <summary>Written inline in the policy (allowed, but MP3021 warns).</summary>
    Inline,
}

/// <summary>
/// A reference to a secret. The model never holds the value of env/file secrets, and
/// <see cref="ToString"/> never prints an inline value: diagnostics and logs show
/// <see cref="Display"/> only.
/// </summary>
public sealed record SecretRef(SecretSource Source, string Reference, SourceSpan Span)
{
    /// <summary>What may be shown to a person: env("X"), file("p") or "inline secret".</summary>
    public string Display => Source switch
    {
        SecretSource.Environment => $"env(\"{Reference}\")",
        SecretSource.File => $"file(\"{Reference}\")",
        _ => "an inline secret",
    };

    /// <summary>Identity for "the same key on two peers": two references to one secret.</summary>
    public string Identity => $"{Source}:{Reference}";

    public override string ToString() => Display;
}
