namespace PolicyKit.Packets.Membership;

/// <summary>
/// Yields the <see cref="MembershipChange"/>s of a message in packet order, per the rules in
/// <see cref="MembershipSemantics"/>. Allocation-free: <c>foreach (var c in message.Changes)</c>.
/// </summary>
public ref struct MembershipChangeEnumerator
{
    private GroupRecordEnumerator _records;
    private ReadOnlySpan<byte> _sources;     // source addresses of the current record
    private readonly IpFamily _family;
    private PacketAddress _group;
    private GroupRecordType _type;
    private int _recordIndex;
    private int _maskIndex;
    private int _sourceCount;
    // Within the current record: -2 = not started, -1 = the record-level (*,G) change done,
    // ≥ 0 = that source done; Done = no current record.
    private int _step;
    private byte _single;                    // v1/v2/MLDv1: 0 none, 1 join, 2 leave
    private MembershipChange _current;
    private const int Done = int.MaxValue;

    internal MembershipChangeEnumerator(scoped in MembershipMessage message)
    {
        _records = message.Records;
        _sources = default;
        _family = message.Family;
        _group = message.Kind is MembershipKind.Report or MembershipKind.Leave ? message.Group : default;
        _type = 0;
        _recordIndex = 0;
        _maskIndex = 0;
        _sourceCount = 0;
        _step = Done;
        _single = message.Kind switch
        {
            MembershipKind.Report => 1,
            MembershipKind.Leave => 2,
            _ => 0,
        };
        _current = default;
    }

    public readonly MembershipChangeEnumerator GetEnumerator() => this;

    public readonly MembershipChange Current => _current;

    public bool MoveNext()
    {
        if (_single != 0)
        {
            var kind = _single == 1 ? ChangeKind.Join : ChangeKind.Leave;
            _single = 0;
            _current = new MembershipChange(kind, _group, PacketAddress.None, 0, -1, 0, 0);
            return true;
        }
        while (true)
        {
            if (_step != Done && NextInRecord()) return true;
            if (!_records.MoveNext()) return false;
            var r = _records.Current;
            _sources = r.Sources.Bytes;
            _group = r.Group;
            _type = r.Type;
            _recordIndex = r.Index;
            _maskIndex = r.MaskIndex;
            _sourceCount = r.SourceCount;
            _step = -2;
        }
    }

    private bool NextInRecord()
    {
        switch (_type)
        {
            case GroupRecordType.ModeIsExclude:
            case GroupRecordType.ChangeToExclude:
                // EXCLUDE mode: an ASM join; the listed sources are exclusions, not channels.
                if (_step != -2) break;
                _step = Done;
                _current = new MembershipChange(ChangeKind.Join, _group, PacketAddress.None, _recordIndex, -1, _maskIndex, _type);
                return true;
            case GroupRecordType.ChangeToInclude:
                // TO_IN: the (*,G) membership ends (leave first, so a freed slot counts for the
                // joins that follow); each listed source is then an (S,G) join. TO_IN({}) = leave.
                if (_step == -2)
                {
                    _step = -1;
                    _current = new MembershipChange(ChangeKind.Leave, _group, PacketAddress.None, _recordIndex, -1, _maskIndex, _type);
                    return true;
                }
                return NextSource(ChangeKind.Join);
            case GroupRecordType.ModeIsInclude:
            case GroupRecordType.AllowNewSources:
                if (_step == -2) _step = -1;
                return NextSource(ChangeKind.Join); // empty INCLUDE / ALLOW: nothing
            case GroupRecordType.BlockOldSources:
                if (_step == -2) _step = -1;
                return NextSource(ChangeKind.Leave);
        }
        // Unknown record types mean nothing (RFC 3376 §4.2.12: ignored).
        _step = Done;
        return false;
    }

    private bool NextSource(ChangeKind kind)
    {
        var next = _step + 1;
        if (next >= _sourceCount)
        {
            _step = Done;
            return false;
        }
        _step = next;
        var size = _family == IpFamily.V4 ? 4 : 16;
        var source = PacketAddress.Read(_family, _sources.Slice(next * size, size));
        _current = new MembershipChange(kind, _group, source, _recordIndex, next, _maskIndex + 1 + next, _type);
        return true;
    }
}
