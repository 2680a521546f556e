namespace PolicyKit.Telemetry;

/// <summary>
/// A bounded FIFO of messages waiting for the broker's acknowledgement. Thread-safe; Enqueue
/// never blocks. When full, the oldest message is dropped and <see cref="Dropped"/> grows by
/// exactly one. Several messages may be in flight at once (<see cref="TryGetAfter"/> hands them
/// out in order); each is acknowledged on its own PUBACK, in any order, and the messages leave
/// the front only as a contiguous acknowledged prefix — so whatever was in flight when the
/// connection died is sent again, in order, on reconnect.
/// With an <see cref="OutboxJournal"/> every accepted message is written to disk before Enqueue
/// returns, and a new outbox over the same folder starts with the messages not yet acknowledged.
/// Accounting invariant: Enqueued + Recovered == Published + Dropped + Rejected + Count.
/// </summary>
public sealed class TelemetryOutbox : IDisposable
{
    private const byte Waiting = 0, Acknowledged = 1, Refused = 2;

    private readonly Lock _lock = new();
    private readonly TelemetryMessage?[] _ring;
    private readonly byte[] _state;
    private readonly OutboxJournal? _journal;
    private int _head;          // index of the oldest message
    private int _count;
    private long _headSequence = 1;  // sequence of the message at _head (when _count > 0); the next one's otherwise
    private long _enqueued;
    private long _dropped;
    private long _published;
    private long _rejected;
    private long _journalFailures;

    public TelemetryOutbox(int capacity, OutboxJournal? journal = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new TelemetryMessage?[capacity];
        _state = new byte[capacity];
        _journal = journal;
        if (journal is null) return;
        var recovered = journal.Recovered;
        if (recovered.Count > 0) _headSequence = recovered[0].Sequence;
        else _headSequence = journal.NextSequence;
        foreach (var entry in recovered)
        {
            if (_count == _ring.Length)
            {
                RemoveHead();
                _dropped++;
            }
            _ring[(_head + _count) % _ring.Length] = entry.Message;
            _count++;
        }
        Recovered = recovered.Count;
        journal.HeadMoved(_headSequence);
    }

    public int Capacity => _ring.Length;

    /// <summary>Messages found on disk at start (accepted by an earlier process, not yet acknowledged).</summary>
    public long Recovered { get; }

    /// <summary>Messages waiting (including those in flight).</summary>
    public int Count { get { lock (_lock) return _count; } }

    /// <summary>Messages ever enqueued (by this process).</summary>
    public long Enqueued { get { lock (_lock) return _enqueued; } }

    /// <summary>Messages pushed out, unacknowledged, because the outbox was full.</summary>
    public long Dropped { get { lock (_lock) return _dropped; } }

    /// <summary>Messages removed after the broker acknowledged them.</summary>
    public long Published { get { lock (_lock) return _published; } }

    /// <summary>Messages removed because the broker (or the client library) refused them for good.</summary>
    public long Rejected { get { lock (_lock) return _rejected; } }

    /// <summary>Messages accepted in memory only because the journal could not write them (a full disk).</summary>
    public long JournalFailures { get { lock (_lock) return _journalFailures; } }

    /// <summary>The last journal write error, if any.</summary>
    public string? JournalError { get; private set; }

    /// <summary>
    /// Appends <paramref name="message"/>. Returns false when the outbox was full and its oldest
    /// message was dropped to make room (the new message is queued either way). With a journal,
    /// the message is on disk when this returns (when the disk fails, it is kept in memory and
    /// counted in <see cref="JournalFailures"/>).
    /// </summary>
    public bool Enqueue(TelemetryMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            if (_journal is not null)
            {
                try
                {
                    _journal.Append(_headSequence + _count, message);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A full or failing disk must not stop telemetry: the message is kept in memory
                    // (lost only if the agent also restarts before it is delivered), and counted.
                    _journalFailures++;
                    JournalError = e.Message;
                }
            }
            bool dropped = false;
            if (_count == _ring.Length)
            {
                RemoveHead();
                _dropped++;
                dropped = true;
            }
            int slot = (_head + _count) % _ring.Length;
            _ring[slot] = message;
            _state[slot] = Waiting;
            _count++;
            _enqueued++;
            if (dropped) _journal?.HeadMoved(_headSequence);
            return !dropped;
        }
    }

    /// <summary>The oldest message, not removed.</summary>
    public bool TryPeek(out OutboxEntry entry) => TryGetAfter(0, out entry);

    /// <summary>
    /// The oldest message with a sequence above <paramref name="sequence"/> that is still waiting
    /// (the next one to send after the one sent last), not removed.
    /// </summary>
    public bool TryGetAfter(long sequence, out OutboxEntry entry)
    {
        lock (_lock)
        {
            long first = Math.Max(sequence + 1, _headSequence);
            for (long s = first; s < _headSequence + _count; s++)
            {
                int slot = (int)((_head + (s - _headSequence)) % _ring.Length);
                if (_state[slot] != Waiting) continue;
                entry = new OutboxEntry(s, _ring[slot]!);
                return true;
            }
            entry = default;
            return false;
        }
    }

    /// <summary>
    /// Marks the message with <paramref name="sequence"/> acknowledged by the broker; it leaves
    /// once every older message has left. Returns false (and changes nothing) when it is no longer
    /// in the outbox — it was dropped by overflow while in flight, and stays counted as dropped.
    /// </summary>
    public bool Acknowledge(long sequence) => Settle(sequence, Acknowledged);

    /// <summary>Marks the message with <paramref name="sequence"/> as never deliverable; it leaves like an acknowledged one.</summary>
    public bool Reject(long sequence) => Settle(sequence, Refused);

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

    /// <summary>Writes the journal's state to stable storage (fsync); a no-op without a journal.</summary>
    public void Sync()
    {
        lock (_lock) _journal?.Sync(_headSequence);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _journal?.Sync(_headSequence);
            _journal?.Dispose();
        }
    }

    private bool Settle(long sequence, byte how)
    {
        lock (_lock)
        {
            if (_count == 0 || sequence < _headSequence || sequence >= _headSequence + _count) return false;
            int slot = (int)((_head + (sequence - _headSequence)) % _ring.Length);
            if (_state[slot] != Waiting) return false;
            _state[slot] = how;
            bool moved = false;
            while (_count > 0 && _state[_head] != Waiting)
            {
                if (_state[_head] == Acknowledged) _published++; else _rejected++;
                RemoveHead();
                moved = true;
            }
            if (moved) _journal?.HeadMoved(_headSequence);
            return true;
        }
    }

    private void RemoveHead()
    {
        _ring[_head] = null;  // let the payload be collected
        _state[_head] = Waiting;
        _head = (_head + 1) % _ring.Length;
        _count--;
        _headSequence++;
    }
}
