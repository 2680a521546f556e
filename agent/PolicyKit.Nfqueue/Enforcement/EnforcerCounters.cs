namespace PolicyKit.Nfqueue.Enforcement;

/// <summary>What an enforcer did since it started (written by its thread, read from any).</summary>
public sealed class EnforcerCounters
{
    internal long ReportsCount, ReportsRewrittenCount, ReportsDroppedCount, JoinsAdmittedCount, JoinsDeniedCount, LeavesCount,
        QueriesCount, QueriesDroppedCount, MalformedCount, FlowsAdmittedCount, FlowsDeniedCount, OutputsAdmittedCount, OutputsDeniedCount,
        SetWriteErrorsCount, ObserverErrorsCount, UnknownInterfaceCount;

    public long Reports => Volatile.Read(ref ReportsCount);

    public long ReportsRewritten => Volatile.Read(ref ReportsRewrittenCount);

    public long ReportsDropped => Volatile.Read(ref ReportsDroppedCount);

    public long JoinsAdmitted => Volatile.Read(ref JoinsAdmittedCount);

    public long JoinsDenied => Volatile.Read(ref JoinsDeniedCount);

    public long Leaves => Volatile.Read(ref LeavesCount);

    public long Queries => Volatile.Read(ref QueriesCount);

    public long QueriesDropped => Volatile.Read(ref QueriesDroppedCount);

    public long Malformed => Volatile.Read(ref MalformedCount);

    public long FlowsAdmitted => Volatile.Read(ref FlowsAdmittedCount);

    public long FlowsDenied => Volatile.Read(ref FlowsDeniedCount);

    public long OutputsAdmitted => Volatile.Read(ref OutputsAdmittedCount);

    public long OutputsDenied => Volatile.Read(ref OutputsDeniedCount);

    public long SetWriteErrors => Volatile.Read(ref SetWriteErrorsCount);

    public long ObserverErrors => Volatile.Read(ref ObserverErrorsCount);

    public long UnknownInterface => Volatile.Read(ref UnknownInterfaceCount);

    internal static void Add(ref long counter) => Interlocked.Increment(ref counter);
}
