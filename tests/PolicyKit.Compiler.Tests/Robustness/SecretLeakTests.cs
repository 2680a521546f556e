using PolicyKit.Compiler.Output;

namespace PolicyKit.Compiler.Tests.Robustness;

/// <summary>
/// A secret never appears in a diagnostic, whatever the typo around it (issue 14, finding 9:
/// `auth md5 "X";`, `secret X`, `secret 'X'` and two strings in a row printed the value). Every
/// mistake below, in every place a secret is written, is checked and rendered as text, JSON and
/// SARIF; the marker value must not appear in any of them, not even in part.
/// </summary>
public sealed class SecretLeakTests
{
    private const string Marker = "Hunter2xQz";

    /// <summary>Mistakes around a secret value, {S} standing for it.</summary>
    public static readonly string[] Typos =
    [
        "secret \"{S}\";",                  // correct, inline (MP3021 quotes the line)
        "\"{S}\";",                         // `secret` missing
        "secret {S};",                      // unquoted
        "secret '{S}';",                    // single quotes
        "secret \"{S}\" \"{S}\";",          // two strings
        "secret \"ok\" \"{S}\";",
        "secret \"{S}\" {S};",
        "secert \"{S}\";",                  // keyword misspelt
        "secret \"{S}\"",                   // `;` missing
        "secret \"{S}",                     // unterminated string
        "secret \"{S}#{S}",                 // unterminated, with a comment start inside
        "secret env(\"X\") \"{S}\";",       // a reference, then a value
        "secret ({S});",
        "secret \"{S}\" valid;",
        "secret /* note */ {S};",
        "{S};",
        "secret\n      \"{S}\"\n;",         // across lines
    ];

    private static IEnumerable<string> Policies(string typo)
    {
        string value = typo.Replace("{S}", Marker, StringComparison.Ordinal);
        yield return $"device r1 platform frr {{\n  msdp {{ peer 192.0.2.1 as 64500 {{ auth md5 {value} }} }}\n}}\n";
        yield return $"device r1 platform ios-xe {{\n  bgp as 64496 {{\n    neighbor 198.51.100.1 as 64500 {{ auth md5 {value} }}\n  }}\n}}\n";
        yield return $"device r1 platform ios-xe {{\n  bgp as 64496 {{\n    neighbor 198.51.100.1 as 64500 {{ auth tcp-ao {value} }}\n  }}\n}}\n";
        yield return $"device r1 platform ios-xr {{\n  keychain k1 {{ key 1 {value} }}\n}}\n";
        yield return $"device r1 platform ios-xr {{\n  keychain k1 {{ key 1 {value} valid 2026-01-01..2026-12-31; }}\n}}\n";
        foreach (string tls in new[] { "key", "cert", "ca" })
        {
            string tlsValue = value.StartsWith("secret", StringComparison.Ordinal) ? value[6..].TrimStart() : value;
            yield return $"device r1 platform frr {{\n  bmp station noc {{ address 203.0.113.10; port 11019; tls mutual {{ {tls} {tlsValue} }} }}\n}}\n";
        }
    }

    public static TheoryData<int> TypoIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Typos.Length; i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(TypoIndexes))]
    public void No_typo_puts_a_secret_into_text_json_or_sarif(int typo)
    {
        foreach (string policy in Policies(Typos[typo]))
        {
            var reader = new InMemoryPolicyFileReader(new Dictionary<string, string> { ["p.mpol"] = policy });
            var result = PolicyCompiler.Check("p.mpol", new CompilationOptions { Today = new DateOnly(2026, 11, 23) }, reader);
            var report = DiagnosticReport.FromResults([result]);
            Assert.NotEmpty(report.Diagnostics);
            foreach (IDiagnosticFormatter formatter in new IDiagnosticFormatter[] { new TextDiagnosticFormatter(), new JsonDiagnosticFormatter(), new SarifDiagnosticFormatter(new SarifOptions { BaseDirectory = "/", ToolVersion = "1" }) })
            {
                var output = new StringWriter();
                formatter.Write(output, report);
                string text = output.ToString();
                // Not the value, nor a recognisable part of it.
                Assert.False(text.Contains("Hunter", StringComparison.Ordinal) || text.Contains("2xQz", StringComparison.Ordinal),
                    $"{formatter.GetType().Name} shows the secret for typo '{Typos[typo]}':\n{policy}\n---\n{text}");
            }
        }
    }
}
