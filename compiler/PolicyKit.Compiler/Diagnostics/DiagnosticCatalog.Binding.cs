namespace PolicyKit.Compiler.Diagnostics;

// MP2xxx: names, references and the shape of declarations.
public sealed partial class DiagnosticCatalog
{
    public DiagnosticTemplate UnresolvedName(string kind, string name, IEnumerable<string> known) =>
        Error("MP2001", $"no {kind} named '{name}'", DidYouMean(name, known));

    public DiagnosticTemplate DuplicateDeclaration(string kind, string name) =>
        Error("MP2002", $"{kind} '{name}' is declared more than once", "rename one of them");

    public DiagnosticTemplate WrongKind(string name, string actualKind, string expectedKind) =>
        Error("MP2003", $"'{name}' is a {actualKind}, but a {expectedKind} is expected here");

    public DiagnosticTemplate SetCycle(string chain) =>
        Error("MP2004", $"address sets refer to each other in a cycle: {chain}");

    public DiagnosticTemplate DuplicateSetting(string setting, string scope) =>
        Error("MP2005", $"'{setting}' is set more than once in {scope}", "keep one");

    public DiagnosticTemplate DuplicateInterface(string name, string device) =>
        Error("MP2006", $"interface \"{name}\" is declared more than once on device '{device}'",
            "merge the two blocks");

    public DiagnosticTemplate MatchNotMeaningful(string field, string usage, string allowed) =>
        Error("MP2007", $"'{field}' cannot be matched in {usage}", $"{usage} matches on: {allowed}");

    public DiagnosticTemplate FamilyMismatch(string text, string expected, string context) =>
        Error("MP2008", $"'{text}' is not an {expected} address, but {context} is {expected} only");

    public DiagnosticTemplate DuplicateKeyId(int id, string keychain) =>
        Error("MP2009", $"key {id} appears more than once in keychain '{keychain}'");

    public DiagnosticTemplate DuplicatePeer(string address, string scope) =>
        Error("MP2010", $"peer {address} is declared more than once in {scope}");

    public DiagnosticTemplate EmptySet(string kind, string name) =>
        Warning("MP2011", $"{kind} '{name}' matches nothing", "every address in it is also listed under 'except'");


    public DiagnosticTemplate MissingSetting(string setting, string scope, string hint) =>
        Error("MP2012", $"{scope} has no '{setting}'", hint);

    public DiagnosticTemplate OriginValidationWithoutCache(string neighbor, string device) =>
        Error("MP2050", $"neighbor {neighbor} acts on RPKI origin validation, but device '{device}' has no RTR cache",
            "add 'rpki { cache ADDRESS port PORT; }' to the device: without validated ROA payloads every route is not-found");

    public DiagnosticTemplate RpkiWithoutBgp(string device) =>
        Error("MP2051", $"device '{device}' has RTR caches but runs no BGP",
            "origin validation applies to BGP routes: add the bgp block, or remove 'rpki'");

    public DiagnosticTemplate IrrDataUnavailable(string set, string path, string reason) =>
        Error("MP2052", $"prefixes set '{set}' cannot read its RPSL data '{path}': {reason}",
            "name a file or folder of RPSL objects in the policy's folder tree with 'rpsl \"PATH\";', or pass mpolc --rpsl PATH");

    public DiagnosticTemplate RpslSyntax(string message) =>
        Error("MP2053", $"RPSL: {message}", "the object is skipped; fix or remove it in the IRR export");

    public DiagnosticTemplate IrrObjectNotFound(string set, string objectName) =>
        Error("MP2054", $"prefixes set '{set}': the RPSL data has no {(objectName.Contains('-') ? "as-set" : "route or route6 object with origin")} {objectName}",
            "check the name, or that the export holds the registry that defines it");

    public DiagnosticTemplate IrrMemberSetMissing(string set, string members) =>
        Warning("MP2055", $"prefixes set '{set}': member as-sets not in the RPSL data, so their prefixes are missing: {members}",
            "add the registries that define them to the RPSL data");

    public DiagnosticTemplate IrrSetCycle(string set, string chain) =>
        Warning("MP2056", $"prefixes set '{set}': as-sets contain each other in a cycle: {chain}",
            "each as-set is expanded once, so the result is complete; the registry's data is worth a look");

    public DiagnosticTemplate IrrSetEmpty(string set, string objectName) =>
        Error("MP2057", $"prefixes set '{set}' from {objectName} has no prefix: a filter built from it rejects every route",
            "the as-set's ASNs registered no route or route6 objects (or all are longer than max-length)");

    public DiagnosticTemplate IrrSetTooLarge(string set, int count, int limit) =>
        Error("MP2058", $"prefixes set '{set}' resolves to {count} entries, more than its limit {limit}",
            "a set this large is often a mistake (a transit's as-set in place of a customer's); if it is right, raise 'limit'");

    public DiagnosticTemplate CommunityMarkStripped(string neighbor, string state, string community) =>
        Error("MP2059", $"neighbor {neighbor} marks RPKI-{state} routes with community {community}, but 'community in strip' removes every community of its routes after the marks",
            "keep the mark with 'rpki STATE local-preference N', or tag every route of the neighbor with 'community in add'");

    public DiagnosticTemplate TestUnknownDevice(string test, string device, IEnumerable<string> known) =>
        Error("MP2030", $"test '{test}' names no device of the policy: '{device}'", DidYouMean(device, known));

    public DiagnosticTemplate TestEventInvalid(string error) =>
        Error("MP2031", $"test event does not parse: {error}", "events are written as for mpolc explain --event (docs/engine.md)");

    public DiagnosticTemplate TestUnknownReason(string reason, IEnumerable<string> known) =>
        Error("MP2032", $"'{reason}' is not a deny reason", DidYouMean(reason, known));
}
