namespace PolicyKit.Compiler.Diagnostics;

// MP3xxx: semantic checks on the bound policy (the mistakes an operator can make with valid syntax).
public sealed partial class DiagnosticCatalog
{
    public DiagnosticTemplate GroupNotMulticast(string prefix) =>
        Error("MP3001", $"group range {prefix} is not multicast",
            "IPv4 groups lie in 224.0.0.0/4, IPv6 groups in ff00::/8");

    public DiagnosticTemplate SourceIsMulticast(string prefix) =>
        Error("MP3002", $"source {prefix} is a multicast address",
            "sources are unicast senders; did you mean 'groups'?");

    public DiagnosticTemplate StarGInSsmRange(string groups, string ssm) =>
        Error("MP3003", $"(*,G) for {groups} lies in the SSM range {ssm}",
            "SSM has no shared trees: name the sources, or move the groups out of the SSM range");

    public DiagnosticTemplate WarnNotBelowLimit(string what, string warn, string limit) =>
        Error("MP3004", $"{what}: warning threshold {warn} is not below the limit {limit}",
            "the warning must fire before the limit is reached");

    public DiagnosticTemplate InterfaceLimitAboveCap(string protocol, int interfaceLimit, int cap) =>
        Warning("MP3005", $"{protocol} limit {interfaceLimit} on this interface is above the router-wide cap {cap}",
            "the router-wide cap applies too, so this interface can never reach its own limit");

    public DiagnosticTemplate NoStreamFits(string limit, string smallestCost) =>
        Error("MP3006", $"cost limit {limit} admits no stream: the cheapest matching class costs {smallestCost}",
            "raise the limit or lower the class costs");

    public DiagnosticTemplate GroupsNotCoveredByClasses(string limit, string defaultCost) =>
        Warning("MP3007", $"not every group of cost limit {limit} matches a class; the rest cost the default {defaultCost}",
            "add a class for them, or set 'default-cost'");

    public DiagnosticTemplate RuleShadowed(int ruleNumber, int earlierRule) =>
        Warning("MP3008", $"rule {ruleNumber} never matches: rule {earlierRule} matches everything it does",
            "remove it, or move it above the broader rule");

    public DiagnosticTemplate PermitAndDeny(string range) =>
        Error("MP3009", $"{range} is both permitted and denied",
            "decide one: the later rule never takes effect");

    public DiagnosticTemplate PermitOfDeniedRange(string range, string where) =>
        Warning("MP3010", $"{range} is permitted here but denied by {where}",
            "the group-range deny drops these groups everywhere on the router");

    public DiagnosticTemplate KeyReused(string reference, string otherPeer) =>
        Error("MP3011", $"the same key ({reference}) is also used by {otherPeer}",
            "every peer needs a key of its own, so one compromised router does not expose the others");

    public DiagnosticTemplate KeyTooOld(int keyId, string keychain, int ageDays) =>
        Warning("MP3012", $"key {keyId} of keychain '{keychain}' has been in use for {ageDays} days",
            "rotate keys at least every 90 days");

    public DiagnosticTemplate KeyHasNoSuccessor(int keyId, string keychain, string? until) =>
        Warning("MP3013", $"key {keyId} of keychain '{keychain}' {(until is null ? "never expires" : $"expires {until}")} and no later key follows it",
            "add the next key now, with a validity window that overlaps the end of this one");

    public DiagnosticTemplate NoValidKey(string keychain, string today) =>
        Error("MP3014", $"keychain '{keychain}' has no key valid on {today}",
            "the session would go down: add a key whose window covers today");

    public DiagnosticTemplate MsdpFilterOneDirection(string peer, string present, string missing) =>
        Warning("MP3015", $"MSDP peer {peer} has an SA filter {present} but none {missing}",
            "filter SA messages in both directions ('sa-filter both …')");

    public DiagnosticTemplate MsdpNoSaLimit(string peer, long peerAs) =>
        Warning("MP3016", $"inter-domain MSDP peer {peer} (AS {peerAs}) has no SA limit",
            "add 'sa-limit N;' so a peer cannot fill the SA cache");

    public DiagnosticTemplate DampingOutOfOrder(string detail) =>
        Error("MP3017", $"damping parameters out of order: {detail}");

    public DiagnosticTemplate BmpTlsNotMutual(string station, string mode) =>
        Error("MP3018", $"BMP station '{station}' uses TLS '{mode}'; BMP over TLS requires mutual authentication",
            "write 'tls mutual' and give the CA that signs the routers' certificates");

    public DiagnosticTemplate TlsVersionTooLow(string version) =>
        Error("MP3019", $"TLS {version} is too old; BMP over TLS allows TLS 1.2 and 1.3 only", "write 'min-version 1.2;'");

    public DiagnosticTemplate IntegrityOnlyCipher(string cipher) =>
        Error("MP3020", $"cipher '{cipher}' provides integrity without encryption", "remove it from 'ciphers'");

    public DiagnosticTemplate InlineSecret() =>
        Warning("MP3021", "a secret is written inline in the policy",
            "use env(\"NAME\") or file(\"path\") so the secret stays out of version control");

    public DiagnosticTemplate HoldTimeInvalid(string value) =>
        Error("MP3022", $"hold time {value} is invalid: it must be 0 or at least 3 seconds");

    public DiagnosticTemplate MsdpNoAuth(string peer) =>
        Warning("MP3023", $"MSDP peer {peer} has no authentication", "add 'auth md5 secret env(\"…\");'");

    public DiagnosticTemplate ValueOutOfRange(string what, string value, string range) =>
        Error("MP3024", $"{what} {value} is out of range ({range})");

    public DiagnosticTemplate BmpPlaintext(string station) =>
        Warning("MP3025", $"BMP station '{station}' accepts plaintext BMP",
            "use 'tls mutual' unless the path to the routers is otherwise protected");

    public DiagnosticTemplate BmpTlsIncomplete(string station, string missing) =>
        Error("MP3026", $"BMP station '{station}' uses mutual TLS but has no {missing}");

    public DiagnosticTemplate CountLimitWithClasses(string limit) =>
        Error("MP3027", $"state limit {limit} is a count, but classes with bandwidth costs are given",
            "write the limit as a bandwidth (e.g. 500Mbps) to admit by cost");

    public DiagnosticTemplate KeyWindowInverted(int keyId, string keychain) =>
        Error("MP3028", $"key {keyId} of keychain '{keychain}' ends before it starts");

    public DiagnosticTemplate BootstrapEncrypted(string traffic, string exclusion) =>
        Warning("MP3030", $"the group-encryption scope protects {traffic}, which bootstraps PIM",
            $"exclude it before this rule ('{exclusion}'): members cannot decrypt until PIM works, and the guide excludes it");

    public DiagnosticTemplate EbgpWithoutMaxPrefix(string neighbor) =>
        Warning("MP3031", $"eBGP neighbor {neighbor} has no max-prefix",
            "add 'max-prefix N warn 90% restart 30m;': a leak of a full table from this peer would otherwise fill the router");

    public DiagnosticTemplate BgpWithoutAuthentication(string neighbor) =>
        Warning("MP3032", $"BGP neighbor {neighbor} has no authentication",
            "add 'auth tcp-ao keychain …;' (or 'auth md5 secret env(\"…\");'), with a key of its own");

    public DiagnosticTemplate EbgpWithoutInboundFilter(string neighbor) =>
        Warning("MP3033", $"eBGP neighbor {neighbor} has no inbound prefix filter",
            "add 'prefix-filter in …;' (at least std.bogon-filter-in): without one every prefix the peer sends is accepted");

    public DiagnosticTemplate NotASiteObject(string name, string reason) =>
        Error("MP3060", $"\"{name}\" cannot name a site object: {reason}",
            "write the name of the router's own ACL or filter exactly as its configuration spells it");

    public DiagnosticTemplate EbgpWithoutInvalidOriginAction(string neighbor) =>
        Warning("MP3080", $"eBGP neighbor {neighbor} has no action for RPKI-invalid routes, though the device validates origins",
            "add 'rpki invalid reject;' (RFC 6811, MANRS): an invalid origin is what a hijack or a leak looks like");

    public DiagnosticTemplate ScopeInAudit(string scope, string withheld) =>
        Info("MP3070", $"{scope} is in audit: mpol-agent reports what the policy would deny there and admits it",
            withheld.Length == 0
                ? "remove 'audit;' to enforce, once the would-deny events show only what should be denied"
                : $"its router configurations leave out {withheld}; remove 'audit;' to enforce, once the would-deny events show only what should be denied");

    public DiagnosticTemplate InvalidOriginPreferred(string neighbor, int invalid, int other, string otherState) =>
        Warning("MP3081", $"neighbor {neighbor} gives RPKI-invalid routes local preference {invalid}, not below {other} of {otherState} routes",
            "an invalid route should lose to every other: lower its local preference, or reject it");

    public DiagnosticTemplate IrrNotLocked(string set, string lockFile) =>
        Warning("MP3082", $"prefixes set '{set}' is resolved from the RPSL data now, not pinned in {lockFile}",
            "run 'mpolc lock' and commit the lock file, so every compile uses the same prefixes and a change is reviewed");

    public DiagnosticTemplate IrrLockStale(string set, string lockFile, string change) =>
        Warning("MP3083", $"the RPSL data of prefixes set '{set}' changed since {lockFile} was written ({change}); the compile uses the locked prefixes",
            "run 'mpolc lock' to take the new data, and review the lock file's diff");

    public DiagnosticTemplate IrrLockInvalid(string message) =>
        Error("MP3084", $"lock file: {message}", "rewrite it with 'mpolc lock'");
}
