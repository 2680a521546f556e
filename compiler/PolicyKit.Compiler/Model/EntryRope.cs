using System.Collections.Immutable;

namespace PolicyKit.Compiler.Model;

/// <summary>
/// A sequence of prefix entries kept as the pieces it was made of: written entries, or the whole
/// sequence of another set. A chain of N sets, each the previous one plus (or except) one prefix,
/// used to copy the previous set's entries at every link: N²/2 entries for N sets (issue 18).
/// Here a link holds a reference to the previous sequence and its own entries; the flat array is
/// made only when someone asks for it, once, without recursion (chains are 100k deep).
/// </summary>
public sealed class EntryRope
{
    public static readonly EntryRope Empty = new([], []);

    private ImmutableArray<PrefixEntry> _flat;
    private readonly ImmutableArray<EntryRope> _pieces;

    private EntryRope(ImmutableArray<PrefixEntry> flat, ImmutableArray<EntryRope> pieces)
    {
        _flat = flat;
        _pieces = pieces;
        Count = flat.IsDefault ? pieces.Sum(p => p.Count) : flat.Length;
    }

    /// <summary>How many entries the sequence has (without flattening it).</summary>
    public int Count { get; }

    /// <summary>The entries written in this node when it is a leaf; default when it is a concatenation.</summary>
    public ImmutableArray<PrefixEntry> LeafEntries => _pieces.IsEmpty ? Flat : default;

    /// <summary>The sequences this node concatenates, in order (empty for a leaf).</summary>
    public ImmutableArray<EntryRope> Pieces => _pieces;

    public static EntryRope Of(ImmutableArray<PrefixEntry> entries) =>
        entries.IsDefaultOrEmpty ? Empty : new(entries, []);

    /// <summary>The concatenation of the pieces, in order; empty pieces are dropped.</summary>
    public static EntryRope Concat(IEnumerable<EntryRope> pieces)
    {
        var kept = pieces.Where(p => p.Count > 0).ToImmutableArray();
        return kept.Length switch
        {
            0 => Empty,
            1 => kept[0],
            _ => new(default, kept),
        };
    }

    /// <summary>The entries in order, made once and kept.</summary>
    public ImmutableArray<PrefixEntry> Flat
    {
        get
        {
            if (!_flat.IsDefault) return _flat;
            var flat = ImmutableArray.CreateBuilder<PrefixEntry>(Count);
            var stack = new Stack<EntryRope>();
            stack.Push(this);
            while (stack.Count > 0)
            {
                var node = stack.Pop();
                if (!node._flat.IsDefault)
                {
                    flat.AddRange(node._flat);
                    continue;
                }
                for (int i = node._pieces.Length - 1; i >= 0; i--) stack.Push(node._pieces[i]);
            }
            _flat = flat.MoveToImmutable();
            return _flat;
        }
    }
}
