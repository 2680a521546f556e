using System.Reflection;
using System.Text;
using PolicyKit.Compiler.Diagnostics;

namespace PolicyKit.Compiler.Output;

/// <summary>What is known about one diagnostic code independent of any occurrence: its catalogue name, a short description, its declared severity.</summary>
internal sealed record DiagnosticRule(string Code, string Name, string Description, DiagnosticSeverity DefaultSeverity);

/// <summary>
/// Rule metadata for SARIF, derived from <see cref="DiagnosticCatalog"/> rather than kept in a
/// second list that would drift from it: each catalogue method is one code, so calling every
/// method once with placeholder arguments maps its code to the method's name ("GroupNotMulticast"),
/// which reads as a description ("Group not multicast"). A method that cannot be called with
/// placeholders is skipped; its code then falls back to the message of its first occurrence.
/// </summary>
internal static class DiagnosticRules
{
    private static readonly Lazy<IReadOnlyDictionary<string, DiagnosticRule>> Rules = new(Build);

    // Words the catalogue's method names spell in Pascal case that are acronyms in prose.
    private static readonly HashSet<string> Acronyms = new(StringComparer.OrdinalIgnoreCase)
    {
        "acl", "ao", "asm", "bgp", "bmp", "bsr", "copp", "dvmrp", "igmp", "ip", "ipv4", "ipv6",
        "md5", "mld", "msdp", "mtu", "pim", "pimv1", "rp", "rpf", "sa", "sap", "ssm", "tcp", "tls", "ttl",
    };

    public static DiagnosticRule? Find(string code) => Rules.Value.GetValueOrDefault(code);

    private static IReadOnlyDictionary<string, DiagnosticRule> Build()
    {
        var rules = new Dictionary<string, DiagnosticRule>(StringComparer.Ordinal);
        var methods = typeof(DiagnosticCatalog)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.ReturnType == typeof(DiagnosticTemplate) && !m.IsGenericMethodDefinition)
            .OrderBy(m => m.Name, StringComparer.Ordinal);
        foreach (var method in methods)
        {
            DiagnosticTemplate? template;
            try
            {
                var arguments = method.GetParameters().Select(Placeholder).ToArray();
                template = method.Invoke(DiagnosticCatalog.Instance, arguments) as DiagnosticTemplate;
            }
            catch (Exception e) when (e is TargetInvocationException or ArgumentException or NotSupportedException or MemberAccessException)
            {
                continue;
            }
            if (template is null) continue;
            rules.TryAdd(template.Code, new DiagnosticRule(template.Code, method.Name, Describe(method.Name), template.Severity));
        }
        return rules;
    }

    // Placeholders by what the catalogue's parameters are (text, numbers, lists of names), without
    // making instances of types by reflection, which a Native AOT mpolc cannot do for a type it
    // did not compile ahead of time. A value-type parameter gets null: Invoke passes its zero value.
    private static object? Placeholder(ParameterInfo parameter)
    {
        if (parameter.HasDefaultValue) return parameter.DefaultValue;
        var type = parameter.ParameterType;
        if (type == typeof(string)) return "x";
        if (type.IsAssignableFrom(typeof(string[]))) return Array.Empty<string>();
        return null;
    }

    /// <summary>"InterfaceLimitAboveCap" → "Interface limit above cap"; "BmpTlsNotMutual" → "BMP TLS not mutual".</summary>
    internal static string Describe(string pascalName)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        for (int i = 0; i < pascalName.Length; i++)
        {
            char c = pascalName[i];
            bool boundary = word.Length > 0 && char.IsUpper(c) &&
                (char.IsLower(pascalName[i - 1]) || char.IsDigit(pascalName[i - 1]) ||
                 (i + 1 < pascalName.Length && char.IsLower(pascalName[i + 1])));
            if (boundary)
            {
                words.Add(word.ToString());
                word.Clear();
            }
            word.Append(c);
        }
        if (word.Length > 0) words.Add(word.ToString());

        for (int i = 0; i < words.Count; i++)
        {
            string w = words[i];
            words[i] = Acronyms.Contains(w) ? w.ToUpperInvariant()
                : i == 0 ? char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()
                : w.ToLowerInvariant();
        }
        return string.Join(' ', words);
    }
}
