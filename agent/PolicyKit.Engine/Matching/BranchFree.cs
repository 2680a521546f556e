using System.Runtime.CompilerServices;

namespace PolicyKit.Engine.Matching;

/// <summary>
/// Binary search without branches on the data: the comparison becomes a mask added to the
/// position, so a search over random keys costs no branch mispredictions (a branchy search
/// mispredicts about half its steps on random input, ~15 cycles each).
/// </summary>
internal static class BranchFree
{
    /// <summary>
    /// The index of the last of the <paramref name="count"/> sorted values from <paramref name="first"/>
    /// that is ≤ <paramref name="value"/>, or 0 when none is (callers keep their first value at the minimum).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int LastAtMost(ref uint first, int count, uint value)
    {
        int lo = 0;
        int n = count;
        while (n > 1)
        {
            int half = n >> 1;
            // (value - start) as 64 bits is negative exactly when value < start: then add nothing.
            long below = ((long)value - Unsafe.Add(ref first, lo + half)) >> 63;
            lo += half & ~(int)below;
            n -= half;
        }
        return lo;
    }
}
