namespace PolicyKit.Bmp.Wire;

/// <summary>
/// A defect in a BGP message carried by BMP: RFC 4271 §6 message, OPEN and UPDATE errors and
/// the malformed-attribute cases of RFC 7606 §7. Plain data: the decoder reports it, the
/// monitor counts it and raises an event; nothing throws.
/// </summary>
public enum BgpError : byte
{
    None = 0,

    // RFC 4271 §6.1 message header errors
    MarkerNotAllOnes,
    BadLength,
    BadType,
    Truncated,

    // RFC 4271 §6.2 OPEN errors
    OpenUnsupportedVersion,
    OpenBadPeerAs,
    OpenBadBgpId,
    OpenUnacceptableHoldTime,
    OpenMalformedParameters,
    OpenMalformedCapability,

    // RFC 4271 §6.3 / RFC 7606 UPDATE errors
    WithdrawnLengthOverrun,
    AttributesLengthOverrun,
    AttributeHeaderOverrun,
    AttributeFlagsConflict,
    DuplicateAttribute,
    DuplicateMpAttribute,
    MissingWellKnown,
    UnrecognizedWellKnown,
    MalformedOrigin,
    MalformedAsPath,
    MalformedNextHop,
    MalformedMed,
    MalformedLocalPref,
    MalformedAtomicAggregate,
    MalformedAggregator,
    MalformedCommunities,
    MalformedOriginatorId,
    MalformedClusterList,
    MalformedMpReach,
    MalformedMpUnreach,
    MalformedExtendedCommunities,
    MalformedAs4Path,
    MalformedAs4Aggregator,
    MalformedLargeCommunities,
    MalformedOnlyToCustomer,
    InvalidNlri,

    // RFC 4271 §6.1 per type
    NotificationTooShort,
    KeepaliveBadLength,
    RouteRefreshBadLength,
}

/// <summary>
/// What RFC 7606 says to do with an UPDATE, strongest last. A BMP station has no BGP session
/// to reset: <see cref="SessionReset"/> means the monitored router's session would have been
/// reset, so the update is not applied (the BMP session goes on: its framing is intact).
/// </summary>
public enum UpdateAction : byte
{
    /// <summary>Well formed: apply as is.</summary>
    Apply = 0,

    /// <summary>RFC 7606 §2 "attribute discard": some attributes were dropped, the routes stand.</summary>
    AttributeDiscard = 1,

    /// <summary>RFC 7606 §2 "treat-as-withdraw": every route the update announces is withdrawn instead.</summary>
    TreatAsWithdraw = 2,

    /// <summary>RFC 7606 §2 "session reset": the NLRI cannot be trusted; nothing is applied.</summary>
    SessionReset = 3,
}

public static class BgpErrorText
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<BgpError, string> Names = new();

    /// <summary>The kebab-case name used in events and telemetry (made once per error: a flood of one bad message costs no strings).</summary>
    public static string Name(BgpError error) => Names.GetOrAdd(error, Kebab);

    private static string Kebab(BgpError error)
    {
        var text = error.ToString();
        var builder = new System.Text.StringBuilder(text.Length + 8);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsUpper(c))
            {
                if (i > 0) builder.Append('-');
                builder.Append(char.ToLowerInvariant(c));
            }
            else builder.Append(c);
        }
        return builder.ToString();
    }

    public static string Name(UpdateAction action) => action switch
    {
        UpdateAction.Apply => "apply",
        UpdateAction.AttributeDiscard => "attribute-discard",
        UpdateAction.TreatAsWithdraw => "treat-as-withdraw",
        _ => "session-reset",
    };
}
