using System.Collections.Immutable;

namespace PolicyKit.Compiler.Irr;

/// <summary>One attribute of an RPSL object: its name in lower case, its value with continuation lines joined and comments removed, and where its line starts in the file.</summary>
public sealed record RpslAttribute(string Name, string Value, int Offset, int Length);

/// <summary>
/// One RPSL object (RFC 2622 §2): a paragraph of attributes, the first naming its class
/// (<c>route</c>, <c>route6</c>, <c>as-set</c>, …) and its key.
/// </summary>
public sealed record RpslObject(ImmutableArray<RpslAttribute> Attributes)
{
    public string Class => Attributes[0].Name;

    public string Key => Attributes[0].Value;

    public RpslAttribute First => Attributes[0];

    public IEnumerable<RpslAttribute> All(string name) => Attributes.Where(a => a.Name == name);
}

/// <summary>A finding of the RPSL reader: what is wrong and where (offset and length in the file's text).</summary>
public sealed record RpslError(int Offset, int Length, string Message);
