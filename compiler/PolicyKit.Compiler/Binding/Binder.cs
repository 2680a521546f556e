using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;

namespace PolicyKit.Compiler.Binding;

/// <summary>
/// Turns the syntax trees of a policy (root file plus includes) into the immutable
/// <see cref="PolicyModel"/>. Every declaration is bound, used or not, so a mistake in an unused
/// set is still reported.
/// </summary>
public sealed class Binder(DiagnosticBag diagnostics)
{
    /// <summary>The resolved prefixes of the IRR-built sets (<see cref="Irr.IrrStage"/>); a set missing here had an error already reported.</summary>
    public IReadOnlyDictionary<IrrItemSyntax, ImmutableArray<PrefixEntry>> IrrSets { get; init; } = new Dictionary<IrrItemSyntax, ImmutableArray<PrefixEntry>>();

    /// <summary>
    /// The IRR-built sets as their lock text (null when the policy has none): hashed with the
    /// policy's files, since those prefixes are as much the policy compiled as its text is.
    /// </summary>
    public string? IrrHashText { get; init; }

    public PolicyModel? Bind(IReadOnlyList<LoadedFile> files)
    {
        if (files.Count == 0 || files.Any(f => f.Syntax is null)) return null;
        var trees = files.Select(f => f.Syntax!).ToList();
        var symbols = new SymbolTable(trees, diagnostics);
        var addresses = new AddressBinder(symbols, diagnostics) { IrrSets = IrrSets };
        var filters = new FilterBinder(symbols, addresses, diagnostics);
        var devices = new DeviceBinder(symbols, addresses, filters, diagnostics);

        foreach (var declaration in symbols.Declarations)
        {
            switch (declaration)
            {
                case SetDeclSyntax set: addresses.ResolveSet(set); break;
                case FilterDeclSyntax filter: filters.BindFilter(filter); break;
                case ClassDeclSyntax cls: filters.BindClass(cls); break;
            }
        }
        var boundDevices = symbols.Devices.Select(devices.Bind).ToImmutableArray();

        // A profile is bound where an interface uses it; bind each once on its own as well, so a
        // mistake in a profile no interface uses yet is still reported (repeats are merged).
        var profiles = new InterfaceBinder(symbols, addresses, filters, diagnostics);
        foreach (var profile in symbols.Declarations.OfType<ProfileDeclSyntax>())
        {
            profiles.Bind(new InterfaceDeclSyntax($"profile {profile.Name.Text}", profile.Name.Span, [profile.Name], [], profile.Span), "profile");
        }

        // The root file is the last one loaded (includes come first).
        var root = files[^1].Source;
        var allFiles = files.Select(f => f.Source).ToImmutableArray();
        return new PolicyModel(
            root,
            allFiles,
            addresses.ResolvedSets.OrderBy(s => s.Span.File.Path, StringComparer.Ordinal).ThenBy(s => s.Span.Start).ToImmutableArray(),
            filters.ResolvedFilters.OrderBy(f => f.Span.File.Path, StringComparer.Ordinal).ThenBy(f => f.Span.Start).ToImmutableArray(),
            filters.ResolvedClasses.OrderBy(c => c.Span.File.Path, StringComparer.Ordinal).ThenBy(c => c.Span.Start).ToImmutableArray(),
            boundDevices,
            ContentHash(IrrHashText is null ? allFiles : [.. allFiles, new Text.SourceFile("irr.lock", IrrHashText)]))
        {
            Tests = symbols.Tests.Select(new TestBinder(symbols, diagnostics).Bind).ToImmutableArray(),
        };
    }

    /// <summary>
    /// SHA-256 over every file's text in load order (line endings normalised): names the exact
    /// policy compiled, the same on every machine whatever directory mpolc runs in.
    /// </summary>
    private static string ContentHash(IEnumerable<Text.SourceFile> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[Encoding.UTF8.GetMaxByteCount(HashChunk)];
        foreach (var file in files)
        {
            // ReplaceLineEndings copies the text only when it has a line ending other than \n.
            AppendUtf8(hash, file.Text.ReplaceLineEndings("\n"), buffer);
            hash.AppendData([0]);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private const int HashChunk = 16 * 1024;

    /// <summary>
    /// Hashes the UTF-8 bytes of a text through a small buffer: encoding a large file at once
    /// would be a large-object allocation as big as the file. The encoder carries a surrogate
    /// pair split across two chunks over, so the bytes are those of the whole text.
    /// </summary>
    private static void AppendUtf8(IncrementalHash hash, string text, byte[] buffer)
    {
        var encoder = Encoding.UTF8.GetEncoder();
        var rest = text.AsSpan();
        do
        {
            var chunk = rest[..Math.Min(HashChunk, rest.Length)];
            rest = rest[chunk.Length..];
            int bytes = encoder.GetBytes(chunk, buffer, flush: rest.IsEmpty);
            hash.AppendData(buffer, 0, bytes);
        }
        while (!rest.IsEmpty);
    }
}
