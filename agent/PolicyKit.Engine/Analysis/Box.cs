namespace PolicyKit.Engine.Analysis;

/// <summary>
/// A product of interval sets, one per axis (source × group × host, or network × length): the
/// unit in which <see cref="FirstMatch"/> splits a space. Immutable.
/// </summary>
public sealed class Box : IEquatable<Box>
{
    private readonly IntervalSet[] _axes;

    public Box(params IntervalSet[] axes) => _axes = axes;

    public int Dimensions => _axes.Length;

    public IntervalSet this[int axis] => _axes[axis];

    public bool IsEmpty => Array.Exists(_axes, a => a.IsEmpty);

    public Box With(int axis, IntervalSet set)
    {
        var axes = (IntervalSet[])_axes.Clone();
        axes[axis] = set;
        return new Box(axes);
    }

    /// <summary>The common part, or null when there is none.</summary>
    public Box? Intersect(Box other)
    {
        var axes = new IntervalSet[_axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            axes[i] = _axes[i].Intersect(other._axes[i]);
            if (axes[i].IsEmpty) return null;
        }
        return new Box(axes);
    }

    /// <summary>This box without <paramref name="other"/>, as disjoint boxes (at most one per axis).</summary>
    public IEnumerable<Box> Minus(Box other)
    {
        var kept = (IntervalSet[])_axes.Clone();
        for (int i = 0; i < _axes.Length; i++)
        {
            var inside = _axes[i].Intersect(other._axes[i]);
            if (inside.IsEmpty)
            {
                // Disjoint on this axis: nothing of this box is removed.
                yield return new Box(kept);
                yield break;
            }
            var outside = _axes[i].Subtract(other._axes[i]);
            if (!outside.IsEmpty)
            {
                var piece = (IntervalSet[])kept.Clone();
                piece[i] = outside;
                yield return new Box(piece);
            }
            kept[i] = inside;
        }
    }

    /// <summary>True when the box holds <paramref name="point"/> (one value per axis).</summary>
    public bool Contains(ReadOnlySpan<UInt128> point)
    {
        for (int i = 0; i < _axes.Length; i++)
        {
            if (!_axes[i].Contains(point[i])) return false;
        }
        return true;
    }

    public bool Equals(Box? other) => other is not null && _axes.AsSpan().SequenceEqual(other._axes);

    public override bool Equals(object? obj) => obj is Box other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var axis in _axes) hash.Add(axis);
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(" × ", _axes.Select(a => $"[{a}]"));
}
