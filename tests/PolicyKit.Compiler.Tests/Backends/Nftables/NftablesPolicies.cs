using System.Text.RegularExpressions;
using PolicyKit.Compiler.Emit;
using PolicyKit.Compiler.Tests.Examples;

namespace PolicyKit.Compiler.Tests.Backends.Nftables;

/// <summary>
/// The policies the nftables backend is tested on — the test policies next to this file and the
/// shipped examples moved onto a Linux platform — and how to compile them to the nftables target.
/// </summary>
internal static partial class NftablesPolicies
{
    public const string Target = "nftables";

    public static string Directory => Path.Combine(RepoPaths.Root, "tests", "PolicyKit.Compiler.Tests", "Backends", "Nftables", "Policies");

    public static string PathOf(string testPolicy) => Path.Combine(Directory, testPolicy);

    public static IEnumerable<string> TestPolicies() =>
        System.IO.Directory.GetFiles(Directory, "*.mpol").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static IEnumerable<string> Examples() =>
        System.IO.Directory.GetFiles(RepoPaths.Examples, "*.mpol").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    /// <summary>
    /// An example with every device moved to <paramref name="platform"/> and every interface renamed
    /// to a Linux name (e0, e1, … in order of appearance): IOS names such as
    /// "GigabitEthernet0/0/1" are longer than a Linux interface name may be.
    /// </summary>
    public static string Retarget(string text, string platform)
    {
        text = Platform().Replace(text, $"platform {platform}");
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        return Interface().Replace(text, m =>
        {
            if (!names.TryGetValue(m.Groups[1].Value, out var linux)) names[m.Groups[1].Value] = linux = $"e{names.Count}";
            return $"interface \"{linux}\"";
        });
    }

    /// <summary>Compiles to the nftables target only, with secrets redacted; unsupported constructs are warnings.</summary>
    public static CompileResult Compile(string path, IPolicyFileReader? reader = null, bool allowUnsupported = true) =>
        PolicyEmitter.Compile(path, [Target],
            new CompilationOptions { Today = ExamplePolicyTests.Today, AllowUnsupported = allowUnsupported },
            new EmitOptions { Redact = true }, reader);

    /// <summary>Compiles policy text given in place (it may include the standard library).</summary>
    public static CompileResult CompileText(string text, bool allowUnsupported = false)
    {
        string path = Path.Combine(Directory, "inline-test.mpol");
        return Compile(path, new InMemoryPolicyFileReader(new Dictionary<string, string> { [path] = text }), allowUnsupported);
    }

    public static string Errors(CompileResult result) =>
        string.Join("\n", result.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()));

    /// <summary>The one nftables file of a device.</summary>
    public static string FileOf(CompileResult result, string device)
    {
        Assert.False(result.HasErrors, Errors(result));
        var file = result.Files.SingleOrDefault(f => f.Device == device && f.Target == Target);
        Assert.True(file is not null, $"no nftables file for device '{device}' (files: {string.Join(", ", result.Files.Select(f => f.RelativePath))})");
        return file!.Content;
    }

    [GeneratedRegex(@"platform (ios-xe|ios-xr|junos|frr|nftables|linux)\b")]
    private static partial Regex Platform();

    [GeneratedRegex("interface \"([^\"]+)\"")]
    private static partial Regex Interface();
}
