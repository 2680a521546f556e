namespace PolicyKit.Telemetry;

/// <summary>
/// Wakes waiters when something happened. Capture <see cref="Next"/> before checking the
/// condition, then await it: a <see cref="Pulse"/> in between completes the captured task, so
/// no wake-up is lost. A pulse nobody is waiting for costs one interlocked operation (no
/// allocation): it is sent once per message enqueued and per batch acknowledged.
/// </summary>
internal sealed class AsyncPulse
{
    private TaskCompletionSource _current = New();
    private int _taken;   // 1 once Next handed out the current task (someone may be waiting on it)

    public Task Next
    {
        get
        {
            var task = Volatile.Read(ref _current).Task;
            // Written after the read: a Pulse that saw 0 here came before this waiter checks its
            // condition (full fences on both sides), so the waiter sees what that Pulse announced.
            Interlocked.Exchange(ref _taken, 1);
            return task;
        }
    }

    public void Pulse()
    {
        if (Interlocked.CompareExchange(ref _taken, 0, 1) == 0) return;
        Interlocked.Exchange(ref _current, New()).TrySetResult();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
