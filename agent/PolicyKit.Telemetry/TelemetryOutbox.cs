namespace PolicyKit.Telemetry;

/// <summary>
/// A bounded FIFO of messages waiting for the broker's acknowledgement. Thread-safe; Enqueue
/// never blocks. When full, the oldest message is dropped and <see cref="Dropped"/> grows by
/// exactly one. A message leaves the front only when the sender acknowledges it (after PUBACK),
/// so a message that was in flight when the connection died is sent again on reconnect.
/// Accounting invariant: Enqueued == Published + Dropped + Rejected + Count.
/// </summary>
public sealed class TelemetryOutbox
{
    private readonly Lock _lock = new();
    private readonly TelemetryMessage?[] _ring;
    private int _head;          // index of the oldest message
    private int _count;
    private long _headSequence = 1;  // sequence of the message at _head (when _count > 0)
    private long _enqueued;
    private long _dropped;
    private long _published;
    private long _rejected;

    public TelemetryOutbox(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new TelemetryMessage?[capacity];
    }

    public int Capacity => _ring.Length;

    /// <summary>Messages waiting (including one in flight).</summary>
    public int Count { get { lock (_lock) return _count; } }

    /// <summary>Messages ever enqueued.</summary>
    public long Enqueued { get { lock (_lock) return _enqueued; } }

    /// <summary>Messages pushed out, unacknowledged, because the outbox was full.</summary>
    public long Dropped { get { lock (_lock) return _dropped; } }

    /// <summary>Messages removed after the broker acknowledged them.</summary>
    public long Published { get { lock (_lock) return _published; } }

    /// <summary>Messages removed because the broker (or the client library) refused them for good.</summary>
    public long Rejected { get { lock (_lock) return _rejected; } }

    /// <summary>
    /// Appends <paramref name="message"/>. Returns false when the outbox was full and its oldest
    /// message was dropped to make room (the new message is queued either way).
    /// </summary>
    public bool Enqueue(TelemetryMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            bool dropped = false;
            if (_count == _ring.Length)
            {
                RemoveHead();
                _dropped++;
                dropped = true;
            }
            _ring[(_head + _count) % _ring.Length] = message;
            _count++;
            _enqueued++;
            return !dropped;
        }
    }

    /// <summary>The oldest message, not removed.</summary>
    public bool TryPeek(out OutboxEntry entry)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                entry = default;
                return false;
            }
            entry = new OutboxEntry(_headSequence, _ring[_head]!);
            return true;
        }
    }

    /// <summary>
    /// Removes the message with <paramref name="sequence"/> after the broker acknowledged it.
    /// Returns false (and changes nothing) when it is no longer at the front — it was dropped by
    /// overflow while in flight, and stays counted as dropped.
    /// </summary>
    public bool Acknowledge(long sequence) => Remove(sequence, rejected: false);

    /// <summary>Removes the message with <paramref name="sequence"/> because it can never be delivered.</summary>
    public bool Reject(long sequence) => Remove(sequence, rejected: true);

    /// <summary>A copy of the waiting messages, oldest first.</summary>
    public OutboxEntry[] Snapshot()
    {
        lock (_lock)
        {
            var result = new OutboxEntry[_count];
            for (int i = 0; i < _count; i++)
                result[i] = new OutboxEntry(_headSequence + i, _ring[(_head + i) % _ring.Length]!);
            return result;
        }
    }

    private bool Remove(long sequence, bool rejected)
    {
        lock (_lock)
        {
            if (_count == 0 || _headSequence != sequence) return false;
            RemoveHead();
            if (rejected) _rejected++; else _published++;
            return true;
        }
    }

    private void RemoveHead()
    {
        _ring[_head] = null;  // let the payload be collected
        _head = (_head + 1) % _ring.Length;
        _count--;
        _headSequence++;
    }
}
