using System.Runtime.InteropServices;

namespace PolicyKit.Engine.Bench;

/// <summary>
/// CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID), so figures taken on a shared
/// machine measure this thread's work, not the time other processes held the core.
/// </summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static bool Available { get; } = OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTime, out _) == 0;

    /// <summary>Nanoseconds of CPU this thread has used (0 when unavailable).</summary>
    public static long Nanoseconds() => Available && ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds : 0;
}
