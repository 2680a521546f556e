namespace PolicyKit.Bmp.Events;

/// <summary>Where a router monitor sends its events. Never blocks: a full sink counts a drop.</summary>
public interface IBmpEventSink
{
    /// <summary>Whether an event would be accepted now: lets a producer skip building one that would be dropped.</summary>
    bool HasRoom { get; }

    /// <summary>Queues the event, or counts it dropped when full.</summary>
    void Publish(BmpEvent e);

    /// <summary>Counts an event the producer did not build because <see cref="HasRoom"/> was false.</summary>
    void CountDropped();
}

/// <summary>Discards everything (replay, benchmarks).</summary>
public sealed class NullEventSink : IBmpEventSink
{
    public static readonly NullEventSink Instance = new();

    public bool HasRoom => false;

    public void Publish(BmpEvent e)
    {
    }

    public void CountDropped()
    {
    }
}
