namespace PolicyKit.Compiler.Binding;

/// <summary>
/// The setting names seen so far in one block, to report a setting written twice (MP2005).
/// A block names a handful of settings, so a short list searched in order does it: a hash set
/// per block (one per interface and profile use, thousands in a large policy) cost more to
/// make and fill than it ever saved.
/// </summary>
internal sealed class SettingNames
{
    private readonly List<string> _names = new(4);

    /// <summary>Adds a name; false when it was there already (as <see cref="HashSet{T}.Add"/>).</summary>
    public bool Add(string name)
    {
        foreach (var seen in _names)
        {
            if (string.Equals(seen, name, StringComparison.Ordinal)) return false;
        }
        _names.Add(name);
        return true;
    }
}
