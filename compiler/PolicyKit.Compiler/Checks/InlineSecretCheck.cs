namespace PolicyKit.Compiler.Checks;

/// <summary>
/// MP3021: a password or private key written in the policy itself, where it ends up in version
/// control and review tools. CA and certificate files are public and may be inline.
/// </summary>
public sealed class InlineSecretCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var (secret, isPrivate) in ModelWalker.AllSecrets(context.Model))
        {
            if (isPrivate && secret.Source == Model.SecretSource.Inline)
            {
                context.Diagnostics.Add(secret.Span, c => c.InlineSecret());
            }
        }
    }
}
