namespace PolicyKit.Telemetry;

/// <summary>
/// Wakes waiters when something happened. Capture <see cref="Next"/> before checking the
/// condition, then await it: a <see cref="Pulse"/> in between completes the captured task, so
/// no wake-up is lost.
/// </summary>
internal sealed class AsyncPulse
{
    private TaskCompletionSource _current = New();

    public Task Next => Volatile.Read(ref _current).Task;

    public void Pulse() => Interlocked.Exchange(ref _current, New()).TrySetResult();

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
