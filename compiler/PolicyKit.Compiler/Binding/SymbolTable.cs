using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;

namespace PolicyKit.Compiler.Binding;

/// <summary>
/// The policy-wide names: sets, filters, classes and profiles share one namespace (so a name
/// used in the wrong place gets "is a filter, but a groups set is expected" instead of
/// "not found"); devices have their own.
/// </summary>
public sealed class SymbolTable
{
    private readonly Dictionary<string, DeclarationSyntax> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceDeclSyntax> _devices = new(StringComparer.Ordinal);
    private readonly List<TestDeclSyntax> _tests = [];

    public SymbolTable(IEnumerable<PolicyFileSyntax> files, DiagnosticBag diagnostics)
    {
        foreach (var declaration in files.SelectMany(f => f.Declarations))
        {
            if (declaration is TestDeclSyntax test)
            {
                // Tests are titled, not named: never looked up, never in the way of a name.
                _tests.Add(test);
                continue;
            }
            if (declaration is DeviceDeclSyntax device)
            {
                if (!_devices.TryAdd(device.Name.Text, device))
                {
                    diagnostics.Add(device.Name.Span, c => c.DuplicateDeclaration("device", device.Name.Text)
                        .WithRelated(_devices[device.Name.Text].Name.Span, "first declared here"));
                }
                continue;
            }
            if (!_names.TryAdd(declaration.Name.Text, declaration))
            {
                var first = _names[declaration.Name.Text];
                diagnostics.Add(declaration.Name.Span, c => c.DuplicateDeclaration(KindOf(declaration), declaration.Name.Text)
                    .WithRelated(first.Name.Span, "first declared here"));
            }
        }
    }

    public IEnumerable<DeviceDeclSyntax> Devices => _devices.Values;

    public IReadOnlyList<TestDeclSyntax> Tests => _tests;

    public IEnumerable<DeclarationSyntax> Declarations => _names.Values;

    public DeclarationSyntax? Find(string name) => _names.GetValueOrDefault(name);

    /// <summary>Names of one kind, for "did you mean".</summary>
    public IEnumerable<string> NamesOf(Func<DeclarationSyntax, bool> predicate) =>
        _names.Values.Where(predicate).Select(d => d.Name.Text);

    public static string KindOf(DeclarationSyntax declaration) => declaration switch
    {
        SetDeclSyntax { Kind: SetKind.Groups } => "groups set",
        SetDeclSyntax { Kind: SetKind.Sources } => "sources set",
        SetDeclSyntax => "prefixes set",
        FilterDeclSyntax => "filter",
        ClassDeclSyntax => "class",
        ProfileDeclSyntax => "profile",
        _ => "device",
    };
}
