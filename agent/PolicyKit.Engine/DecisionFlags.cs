namespace PolicyKit.Engine;

/// <summary>What else a decision says, beyond its verdict.</summary>
[Flags]
public enum DecisionFlags : ushort
{
    None = 0,

    /// <summary>The entry already existed: a refresh (never denied by a limit).</summary>
    Refresh = 1 << 0,

    /// <summary>The entry is admitted but counts towards no limit (an <c>except</c> entry, or no limit applies).</summary>
    NotCounted = 1 << 1,

    /// <summary>After this decision a count is above its warning threshold (route-limit warn, max-prefix warn).</summary>
    Warning = 1 << 2,

    /// <summary>This decision took the count above its warning threshold (the threshold crossing).</summary>
    WarningCrossed = 1 << 3,

    /// <summary>No policy speaks about this event (an interface or BGP peer the table does not name).</summary>
    NoPolicy = 1 << 4,

    /// <summary>A leave, withdraw or delete removed an existing entry.</summary>
    Removed = 1 << 5,

    /// <summary>A leave, withdraw or delete found no entry to remove.</summary>
    NotFound = 1 << 6,

    /// <summary>Admitted although above the maximum (max-prefix warning-only).</summary>
    OverLimit = 1 << 7,

    /// <summary>
    /// Audit: the policy would deny (<see cref="Decision.Reason"/>, <see cref="Decision.Rule"/> and
    /// the limit state say why), but the scope is in audit, so the event is admitted. The engine's
    /// state is the one enforcing would have kept: nothing the audit admits is counted or stored.
    /// </summary>
    Audit = 1 << 8,
}
