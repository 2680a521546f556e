using PolicyKit.Bmp.Events;

namespace PolicyKit.Bmp.Tests.Support;

/// <summary>Collects events up to a capacity, counting the rest as dropped (like the station's queue).</summary>
internal sealed class ListSink(int capacity = int.MaxValue) : IBmpEventSink
{
    public List<BmpEvent> Events { get; } = [];

    public long Dropped { get; private set; }

    public bool HasRoom => Events.Count < capacity;

    public void Publish(BmpEvent e)
    {
        if (HasRoom) Events.Add(e);
        else Dropped++;
    }

    public void CountDropped() => Dropped++;

    public IEnumerable<T> Of<T>() where T : BmpEvent => Events.OfType<T>();
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero).AddTicks(Interlocked.Read(ref _ticks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
