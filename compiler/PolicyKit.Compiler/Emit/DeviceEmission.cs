using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Everything one backend needs while it writes one device: the model, the writer, secrets, and
/// the ledger of constructs. A backend calls <see cref="Emitted"/> for each construct it writes;
/// the base then proves that every construct the device uses was either written or reported as
/// unsupported — nothing is dropped silently.
/// </summary>
public sealed class DeviceEmission(PolicyModel model, Device device, ConfigWriter writer, SecretResolver secrets, IReadOnlyDictionary<string, string> unsupported,
    DiagnosticBag diagnostics, bool redacted)
{
    private readonly HashSet<string> _emitted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _judged = new(StringComparer.Ordinal);

    public PolicyModel Model => model;

    public Device Device => device;

    public ConfigWriter Writer => writer;

    public SecretResolver Secrets => secrets;

    public IReadOnlySet<string> EmittedConstructs => _emitted;

    /// <summary>
    /// The value of a secret for the output, judged for strength on the way (MP4004 names the
    /// reference and why it is weak, never the value). Redacted output reads no value to judge.
    /// </summary>
    public string Secret(SecretRef secret)
    {
        string value = secrets.Resolve(secret);
        if (!redacted && value.Length > 0 && _judged.Add(secret.Identity) && SecretStrength.Weakness(value) is { } why)
        {
            diagnostics.Add(secret.Span, c => c.WeakSecret(secret.Display, why));
        }
        return value;
    }

    /// <summary>Reports a diagnostic about what the output does (MP4031: it takes the place of a site object).</summary>
    public void Report(SourceSpan span, Func<DiagnosticCatalog, DiagnosticTemplate> build) => diagnostics.Add(span, build);

    /// <summary>Records that the construct (a name from <see cref="ConstructUses.Of"/>) is in the output.</summary>
    public void Emitted(string construct) => _emitted.Add(construct);

    /// <summary>True when the platform cannot express the construct (the backend must then skip it).</summary>
    public bool IsUnsupported(string construct) => unsupported.ContainsKey(construct);

    /// <summary>The source location as the output's comments cite it (file:line).</summary>
    public static string Where(SourceSpan span)
    {
        var (line, _) = span.StartLineColumn;
        return $"{span.File.Path}:{line}";
    }
}
