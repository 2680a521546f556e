// Mpol.g4: the single source of the .mpol syntax.
//
// The C# parser under compiler/PolicyKit.Compiler/Generated/ is produced from this file by
// `grammar/generate` (antlr-ng, pinned in grammar/package.json). Never edit the generated code;
// change this file and regenerate. docs/language.md documents every construct below.
//
// Shape: a file is a list of declarations. Statements end with ';', blocks are '{ ... }'.
// Keywords may contain '-' (max-prefix); names are IDENT (letters, digits, '-', '_', '.').
grammar Mpol;

// ───────────────────────────── file and top-level declarations ─────────────────────────────

policyFile : declaration* EOF ;

declaration
    : includeDecl
    | setDecl
    | irrSetDecl
    | filterDecl
    | classDecl
    | profileDecl
    | deviceDecl
    | testDecl
    ;

includeDecl : INCLUDE STRING ';' ;

// A test of the policy (docs/questions.md, "mpolc test"): events run on one device's engine, in
// order, with the verdict (and optionally the reason and deciding rule) each must get.
testDecl : TEST STRING DEVICE name '{' testStmt* '}' ;
testStmt
    : GIVEN STRING (REPEAT INT)? ';'                                   # testGiven
    | EXPECT action STRING (REPEAT INT)? (BECAUSE STRING)? (BY STRING)? ';'   # testExpect
    ;

// groups tv-sd { 232.10.0.0/16; tv-hd; except 232.10.9.0/24; }
setDecl : setKind name '{' setEntry* '}' ;
setKind : GROUPS | SOURCES | PREFIXES ;
setEntry
    : EXCEPT? setItem ';'
    ;
setItem
    : prefix prefixLengthRange?      # setPrefixItem
    | name                            # setRefItem
    ;
prefixLengthRange : GE INT (LE INT)? | LE INT ;

// An ordered permit/deny list: the first rule that matches decides.
filterDecl : FILTER name '{' filterRule* '}' ;
filterRule : action matchTerm* LOG? ';' ;
action : PERMIT | DENY ;
matchTerm
    : ANY                                     # matchAny
    | SOURCES addressRef                      # matchSources
    | GROUPS addressRef                       # matchGroups
    | PREFIXES addressRef                     # matchPrefixes
    | FROM addressRef                         # matchFrom
    | TO addressRef                           # matchTo
    | RPS addressRef                          # matchRps
    | PROTOCOL protocolName (',' protocolName)*   # matchProtocol
    | IGMP_TYPE igmpType (',' igmpType)*      # matchIgmpType
    | PORT INT                                # matchPort
    ;
// A reference to addresses: a named set, an inline prefix, a list of either, or `any`.
addressRef
    : addressItem (',' addressItem)*
    ;
addressItem
    : prefix            # addressPrefix
    | name              # addressName
    | ANY               # addressAny
    ;
protocolName : IGMP | PIM | MSDP | BGP | BMP | UDP | TCP | ICMP | ICMPV6 | IP | AUTO_RP | INT ;
igmpType : QUERY | REPORT_V1 | REPORT_V2 | REPORT_V3 | LEAVE | PIM_V1 | DVMRP | MTRACE | MTRACE_RESPONSE ;

// class mpeg2-sd { match groups tv-sd; cost 4Mbps; }
classDecl : CLASS name '{' classStmt* '}' ;
classStmt
    : MATCH matchTerm+ ';'                    # classMatch
    | COST bandwidth ';'                      # classCost
    ;

// ───────────────────────────── interface policy (profiles and interfaces) ─────────────────

profileDecl : PROFILE name '{' interfaceStmt* '}' ;

interfaceStmt
    : igmpBlock
    | stateLimitStmt
    | pimIfBlock
    | boundaryStmt
    | sourceFilterStmt
    | ROUTER_GUARD ';'
    | DESCRIPTION STRING ';'
    | takeoverStmt
    | AUDIT ';'                               // report would-deny decisions, enforce none (docs/language.md#audit)
    ;

// takeover "SITE-IN", "SITE-JOINS";  the site's own ACLs/filters PolicyKit's may take the place of.
takeoverStmt : TAKEOVER STRING (',' STRING)* ';' ;

// igmp { ... } covers IPv4 (IGMP); mld { ... } the same rules for IPv6 (MLD).
igmpBlock : groupProtocol '{' igmpStmt* '}' ;
groupProtocol : IGMP | MLD ;
igmpStmt
    : VERSION '>=' INT ';'                                      # igmpMinVersion
    | action matchTerm* LOG? ';'                                # igmpInlineRule
    | ACCESS name ';'                                           # igmpAccessFilter
    | LIMIT INT (EXCEPT addressRef)? ';'                        # igmpLimit
    | QUERIES (DROP | ALLOW) ';'                                # igmpQueries
    | CONTROL name ';'                                          # igmpControl
    ;

// state-limit out 250Mbps groups cp1 classes mpeg2-sd, mpeg2-hd default-cost 1kbps;
stateLimitStmt : STATE_LIMIT limitDirection limitAmount stateLimitOption* ';' ;
limitDirection : RPF | OUT | CONNECTED ;
limitAmount : INT | bandwidth ;
stateLimitOption
    : GROUPS addressRef                       # stateLimitGroups
    | SOURCES addressRef                      # stateLimitSources
    | CLASSES name (',' name)*                # stateLimitClasses
    | DEFAULT_COST bandwidth                  # stateLimitDefaultCost
    ;

pimIfBlock : PIM '{' pimIfStmt* '}' ;
pimIfStmt
    : NEIGHBORS NONE ';'                      # pimNeighborsNone
    | NEIGHBORS addressRef ';'                # pimNeighborsPermit
    | BSR_BORDER ';'                          # pimBsrBorder
    | DISABLED ';'                            # pimDisabled
    ;

// boundary deny groups scoped filter-auto-rp;   boundary filter NAME;
boundaryStmt : BOUNDARY (DENY GROUPS addressRef | FILTER name) FILTER_AUTO_RP? ';' ;

// Data-plane source filter at a first-hop router: which (S,G) may enter on this interface.
sourceFilterStmt : SOURCE_FILTER name ';' ;

// ───────────────────────────── devices ─────────────────────────────

deviceDecl : DEVICE name PLATFORM platformName '{' deviceStmt* '}' ;
platformName : IOS_XE | IOS_XR | JUNOS | FRR | NFTABLES | LINUX ;

deviceStmt
    : MROUTE_LIMIT INT (WARN INT)? ';'                              # mrouteLimit
    | groupProtocol LIMIT INT (EXCEPT addressRef)? ';'               # routerWideGroupLimit
    | groupProtocol DEFAULT_LIMIT INT (EXCEPT addressRef)? ';'       # defaultGroupLimit
    | SAP_LISTEN (ON | OFF) ';'                                     # sapListen
    | MRINFO (DENY ANY | FILTER name) ';'                           # mrinfo
    | GROUP_RANGE (DENY GROUPS addressRef | FILTER name) ';'        # groupRange
    | SSM_RANGE addressRef ';'                                      # ssmRange
    | INTERFACE STRING (USES name (',' name)*)? ('{' interfaceStmt* '}' | ';')  # interfaceDecl
    | rpBlock                                                       # rpDecl
    | pimGlobalBlock                                                # pimGlobalDecl
    | msdpBlock                                                     # msdpDecl
    | bgpBlock                                                      # bgpDecl
    | keychainBlock                                                 # keychainDecl
    | bmpBlock                                                      # bmpDecl
    | telemetryBlock                                                # telemetryDecl
    | CONTROL_PLANE '{' controlPlaneStmt* '}'                       # controlPlaneDecl
    | GROUP_ENCRYPTION '{' groupEncryptionStmt* '}'                 # groupEncryptionDecl
    | rpkiBlock                                                     # rpkiDecl
    | takeoverStmt                                                  # deviceTakeover
    | COMPOSE LOOPBACK_FILTER STRING ';'                            # composeLoopbackFilter
    | AUDIT ';'                                                     # deviceAudit
    ;

rpBlock : RP '{' rpStmt* '}' ;
rpStmt
    : ADDRESS ipAddress (GROUPS addressRef)? ';'              # rpAddress
    | ACCEPT_REGISTER matchTerm+ ';'                          # rpAcceptRegister
    | ACCEPT_REGISTER FILTER name ';'                         # rpAcceptRegisterFilter
    | ANNOUNCE_FILTER matchTerm+ ';'                          # rpAnnounceFilter
    | ANNOUNCE_FILTER FILTER name ';'                         # rpAnnounceFilterRef
    ;

pimGlobalBlock : PIM '{' pimGlobalStmt* '}' ;
pimGlobalStmt
    : REGISTER_RATE_LIMIT INT ';'                             # pimRegisterRateLimit
    ;

msdpBlock : MSDP '{' msdpStmt* '}' ;
msdpStmt
    : ORIGINATOR_ID STRING ';'                                # msdpOriginator
    | REDISTRIBUTE FILTER name ';'                            # msdpRedistribute
    | PEER ipAddress AS INT ('{' msdpPeerStmt* '}' | ';')     # msdpPeer
    ;
msdpPeerStmt
    : SA_FILTER filterDirection name ';'                      # msdpSaFilter
    | SA_LIMIT INT ';'                                        # msdpSaLimit
    | authStmt                                                # msdpAuth
    | DESCRIPTION STRING ';'                                  # msdpDescription
    | MESH_GROUP name ';'                                     # msdpMeshGroup
    | CONNECT_SOURCE STRING ';'                               # msdpConnectSource
    ;
filterDirection : IN | OUT | BOTH ;

authStmt
    : AUTH MD5 SECRET secretRef ';'                           # authMd5
    | AUTH TCP_AO KEYCHAIN name ';'                           # authTcpAo
    ;
secretRef
    : ENV '(' STRING ')'                                      # secretEnv
    | FILE '(' STRING ')'                                     # secretFile
    | STRING                                                  # secretInline
    ;

bgpBlock : BGP AS INT '{' bgpStmt* '}' ;
bgpStmt
    : ROUTER_ID ipAddress ';'                                 # bgpRouterId
    | NEIGHBOR ipAddress AS INT ('{' bgpNeighborStmt* '}' | ';')  # bgpNeighbor
    | DAMPING dampingParam+ ';'                               # bgpDamping
    | ebgpDefaultStmt                                         # bgpEbgpDefault
    ;
dampingParam
    : HALF_LIFE duration                                      # dampHalfLife
    | REUSE INT                                               # dampReuse
    | SUPPRESS INT                                            # dampSuppress
    | MAX_SUPPRESS duration                                   # dampMaxSuppress
    ;
bgpNeighborStmt
    : MAX_PREFIX INT (WARN PERCENT)? (RESTART duration | WARNING_ONLY)? ';'   # bgpMaxPrefix
    | authStmt                                                # bgpAuth
    | TTL_SECURITY HOPS INT ';'                               # bgpTtlSecurity
    | HOLD_TIME duration ';'                                  # bgpHoldTime
    | PREFIX_FILTER IN name ';'                               # bgpPrefixFilterIn
    | PREFIX_FILTER OUT name ';'                              # bgpPrefixFilterOut
    | DESCRIPTION STRING ';'                                  # bgpDescription
    | neighborSecurityStmt                                    # bgpSecurity
    ;

keychainBlock : KEYCHAIN name '{' keyStmt* '}' ;
keyStmt : KEY INT SECRET secretRef (VALID DATE RANGE_DOTS DATE)? ';' ;

bmpBlock : BMP STATION name '{' bmpStmt* '}' ;
bmpStmt
    : ADDRESS ipAddress ';'                                   # bmpAddress
    | PORT INT ';'                                            # bmpPort
    | TLS tlsMode ('{' tlsStmt* '}' | ';')                    # bmpTls
    | MONITOR monitorPolicy (',' monitorPolicy)* ';'          # bmpMonitor
    | STATS_INTERVAL duration ';'                             # bmpStatsInterval
    ;
tlsMode : MUTUAL | SERVER_ONLY | OFF ;
tlsStmt
    : MIN_VERSION DECIMAL ';'                                 # tlsMinVersion
    | CIPHERS STRING (',' STRING)* ';'                        # tlsCiphers
    | CA secretRef ';'                                        # tlsCa
    | CERT secretRef ';'                                      # tlsCert
    | KEY secretRef ';'                                       # tlsKey
    | STRICT ';'                                              # tlsStrict
    ;
monitorPolicy : PRE_POLICY | POST_POLICY | LOC_RIB ;

// Hints for the agent's telemetry (the agent's own config says where the broker is).
telemetryBlock : TELEMETRY '{' telemetryStmt* '}' ;
telemetryStmt
    : SITE STRING ';'                                         # telemetrySite
    | INTERVAL duration ';'                                   # telemetryInterval
    | WARN PERCENT ';'                                        # telemetryWarn
    ;

// Infrastructure ACL / CoPP: which control traffic may reach the router itself.
controlPlaneStmt
    : FILTER name ';'                                         # controlPlaneFilter
    | RATE_LIMIT protocolName INT PPS ';'                     # controlPlaneRate
    ;

// GET-VPN style group encryption: the crypto ACL that says which traffic is protected.
groupEncryptionStmt
    : PROTECT FILTER name ';'                                 # encryptProtect
    | GROUP_ID INT ';'                                        # encryptGroupId
    ;

// ───────────────────────────── routing security ─────────────────────────────
// RPKI origin validation, IRR-built prefix sets, AS-path and community policy, the RFC 8212
// default: what MANRS and RFC 7454 ask of an eBGP edge (docs/language.md, "Routing security").
// Parser and lexer rules of this part stand together here; the lexer rules come before the
// literals below, so a community 64500:666 is never read as an IPv6 address.

// rpki { cache 192.0.2.50 port 3323 preference 1 refresh 10m; }   (RTR caches, RFC 8210)
rpkiBlock : RPKI '{' rpkiStmt* '}' ;
rpkiStmt : CACHE ipAddress rpkiCacheOption* ';' ;
rpkiCacheOption
    : PORT INT                                                  # rpkiCachePort
    | PREFERENCE INT                                            # rpkiCachePreference
    | REFRESH duration                                          # rpkiCacheRefresh
    ;

// In bgp { }: what an eBGP direction without a filter exchanges (RFC 8212: nothing).
ebgpDefaultStmt : EBGP_DEFAULT (ACCEPT | REJECT) ';' ;

// In neighbor { }: the inbound route policy beyond the prefix filter.
neighborSecurityStmt
    : RPKI rpkiState (REJECT | ACCEPT | rpkiMark+) ';'               # nbrOriginValidation
    | AS_PATH REJECT asnClass (',' asnClass)* ';'                    # nbrAsPathReject
    | AS_PATH MAX_LENGTH INT ';'                                     # nbrAsPathMaxLength
    | AS_PATH FIRST_AS PEER ';'                                      # nbrAsPathFirstAs
    | BLACKHOLE REJECT ';'                                           # nbrBlackholeReject
    | GRACEFUL_SHUTDOWN HONOR ';'                                    # nbrGracefulShutdown
    | COMMUNITY (IN | OUT) (STRIP | ADD community (',' community)*) ';'   # nbrCommunity
    ;
rpkiState : VALID | INVALID | NOT_FOUND ;
rpkiMark
    : LOCAL_PREFERENCE INT                                      # rpkiLocalPreference
    | COMMUNITY community                                       # rpkiCommunity
    ;
community : COMMUNITY_VALUE | BLACKHOLE | GRACEFUL_SHUTDOWN | NO_EXPORT | NO_ADVERTISE ;
asnClass : BOGON_ASNS | PRIVATE_ASNS ;

// prefixes customer-a from irr "AS-EXAMPLE" { rpsl "irr/customer-a.db"; max-length ipv4 24 ipv6 48; aggregate; limit 5000; }
// A prefixes set built at compile time from RPSL route/route6/as-set objects and pinned in the
// policy's lock file (docs/language.md, "IRR-built prefix sets").
irrSetDecl : PREFIXES name FROM IRR STRING ('{' irrStmt* '}' | ';') ;
irrStmt
    : RPSL STRING ';'                                          # irrRpsl
    | MAX_LENGTH irrFamilyLength+ ';'                          # irrMaxLength
    | AGGREGATE ';'                                            # irrAggregate
    | LIMIT INT ';'                                            # irrLimit
    ;
irrFamilyLength : (IPV4_WORD | IPV6_WORD) INT ;

RPKI : 'rpki' ;
CACHE : 'cache' ;
PREFERENCE : 'preference' ;
REFRESH : 'refresh' ;
ACCEPT : 'accept' ;
REJECT : 'reject' ;
INVALID : 'invalid' ;
NOT_FOUND : 'not-found' ;
LOCAL_PREFERENCE : 'local-preference' ;
COMMUNITY : 'community' ;
BLACKHOLE : 'blackhole' ;
GRACEFUL_SHUTDOWN : 'graceful-shutdown' ;
NO_EXPORT : 'no-export' ;
NO_ADVERTISE : 'no-advertise' ;
AS_PATH : 'as-path' ;
MAX_LENGTH : 'max-length' ;
FIRST_AS : 'first-as' ;
BOGON_ASNS : 'bogon-asns' ;
PRIVATE_ASNS : 'private-asns' ;
HONOR : 'honor' ;
EBGP_DEFAULT : 'ebgp-default' ;
IRR : 'irr' ;
STRIP : 'strip' ;
ADD : 'add' ;
RPSL : 'rpsl' ;
AGGREGATE : 'aggregate' ;
IPV4_WORD : 'ipv4' ;
IPV6_WORD : 'ipv6' ;
// A standard community ASN:VALUE (RFC 1997).
COMMUNITY_VALUE : DIGIT+ ':' DIGIT+ ;

// ───────────────────────────── literals ─────────────────────────────

// Names are identifiers; a few words that are keywords only in narrow places may be names too.
name : IDENT | softKeyword ;
softKeyword : AUTO_RP | IP | UDP | TCP | ICMP | ICMPV6 | QUERY | LEAVE | MTRACE | DVMRP | SITE | CA | CERT
            | STRICT | VERSION | CONTROL | ACCESS | STATION | MONITOR | INTERVAL | PEER | KEY
            | RPKI | CACHE | PREFERENCE | REFRESH | ACCEPT | REJECT | INVALID | COMMUNITY | BLACKHOLE | HONOR
            | IRR | RPSL | AGGREGATE | IPV4_WORD | IPV6_WORD | STRIP | ADD
            | TEST | GIVEN | EXPECT | REPEAT | BECAUSE | BY ;
prefix : IPV4_PREFIX | IPV6_PREFIX | IPV4 | IPV6 ;
ipAddress : IPV4 | IPV6 ;
bandwidth : BANDWIDTH ;
duration : DURATION ;

// ───────────────────────────── lexer ─────────────────────────────
// Keywords come before IDENT; with equal match length ANTLR takes the first rule.

INCLUDE : 'include' ;
TEST : 'test' ;
GIVEN : 'given' ;
EXPECT : 'expect' ;
REPEAT : 'repeat' ;
BECAUSE : 'because' ;
BY : 'by' ;
GROUPS : 'groups' ;
SOURCES : 'sources' ;
PREFIXES : 'prefixes' ;
EXCEPT : 'except' ;
GE : 'ge' ;
LE : 'le' ;
FILTER : 'filter' ;
PERMIT : 'permit' ;
DENY : 'deny' ;
LOG : 'log' ;
ANY : 'any' ;
FROM : 'from' ;
TO : 'to' ;
RPS : 'rps' ;
PROTOCOL : 'protocol' ;
IGMP_TYPE : 'igmp-type' ;
PORT : 'port' ;
CLASS : 'class' ;
MATCH : 'match' ;
COST : 'cost' ;
PROFILE : 'profile' ;
ROUTER_GUARD : 'router-guard' ;
AUDIT : 'audit' ;
DESCRIPTION : 'description' ;
IGMP : 'igmp' ;
MLD : 'mld' ;
VERSION : 'version' ;
ACCESS : 'access' ;
LIMIT : 'limit' ;
QUERIES : 'queries' ;
DROP : 'drop' ;
ALLOW : 'allow' ;
CONTROL : 'control' ;
STATE_LIMIT : 'state-limit' ;
RPF : 'rpf' ;
OUT : 'out' ;
IN : 'in' ;
BOTH : 'both' ;
CONNECTED : 'connected' ;
CLASSES : 'classes' ;
DEFAULT_COST : 'default-cost' ;
PIM : 'pim' ;
NEIGHBORS : 'neighbors' ;
NONE : 'none' ;
BSR_BORDER : 'bsr-border' ;
DISABLED : 'disabled' ;
BOUNDARY : 'boundary' ;
FILTER_AUTO_RP : 'filter-auto-rp' ;
SOURCE_FILTER : 'source-filter' ;
DEVICE : 'device' ;
PLATFORM : 'platform' ;
IOS_XE : 'ios-xe' ;
IOS_XR : 'ios-xr' ;
JUNOS : 'junos' ;
FRR : 'frr' ;
NFTABLES : 'nftables' ;
LINUX : 'linux' ;
MROUTE_LIMIT : 'mroute-limit' ;
WARN : 'warn' ;
DEFAULT_LIMIT : 'default-limit' ;
SAP_LISTEN : 'sap-listen' ;
ON : 'on' ;
OFF : 'off' ;
MRINFO : 'mrinfo' ;
GROUP_RANGE : 'group-range' ;
SSM_RANGE : 'ssm-range' ;
INTERFACE : 'interface' ;
USES : 'uses' ;
TAKEOVER : 'takeover' ;
COMPOSE : 'compose' ;
LOOPBACK_FILTER : 'loopback-filter' ;
RP : 'rp' ;
ADDRESS : 'address' ;
ACCEPT_REGISTER : 'accept-register' ;
ANNOUNCE_FILTER : 'announce-filter' ;
REGISTER_RATE_LIMIT : 'register-rate-limit' ;
MSDP : 'msdp' ;
ORIGINATOR_ID : 'originator-id' ;
REDISTRIBUTE : 'redistribute' ;
PEER : 'peer' ;
AS : 'as' ;
SA_FILTER : 'sa-filter' ;
SA_LIMIT : 'sa-limit' ;
MESH_GROUP : 'mesh-group' ;
CONNECT_SOURCE : 'connect-source' ;
AUTH : 'auth' ;
MD5 : 'md5' ;
TCP_AO : 'tcp-ao' ;
KEYCHAIN : 'keychain' ;
SECRET : 'secret' ;
ENV : 'env' ;
FILE : 'file' ;
BGP : 'bgp' ;
ROUTER_ID : 'router-id' ;
NEIGHBOR : 'neighbor' ;
DAMPING : 'damping' ;
HALF_LIFE : 'half-life' ;
REUSE : 'reuse' ;
SUPPRESS : 'suppress' ;
MAX_SUPPRESS : 'max-suppress' ;
MAX_PREFIX : 'max-prefix' ;
RESTART : 'restart' ;
WARNING_ONLY : 'warning-only' ;
TTL_SECURITY : 'ttl-security' ;
HOPS : 'hops' ;
HOLD_TIME : 'hold-time' ;
PREFIX_FILTER : 'prefix-filter' ;
KEY : 'key' ;
VALID : 'valid' ;
BMP : 'bmp' ;
STATION : 'station' ;
TLS : 'tls' ;
MUTUAL : 'mutual' ;
SERVER_ONLY : 'server-only' ;
MIN_VERSION : 'min-version' ;
CIPHERS : 'ciphers' ;
CA : 'ca' ;
CERT : 'cert' ;
STRICT : 'strict' ;
MONITOR : 'monitor' ;
PRE_POLICY : 'pre-policy' ;
POST_POLICY : 'post-policy' ;
LOC_RIB : 'loc-rib' ;
STATS_INTERVAL : 'stats-interval' ;
TELEMETRY : 'telemetry' ;
SITE : 'site' ;
INTERVAL : 'interval' ;
CONTROL_PLANE : 'control-plane' ;
RATE_LIMIT : 'rate-limit' ;
PPS : 'pps' ;
GROUP_ENCRYPTION : 'group-encryption' ;
PROTECT : 'protect' ;
GROUP_ID : 'group-id' ;
UDP : 'udp' ;
TCP : 'tcp' ;
ICMP : 'icmp' ;
ICMPV6 : 'icmpv6' ;
IP : 'ip' ;
AUTO_RP : 'auto-rp' ;
QUERY : 'query' ;
REPORT_V1 : 'report-v1' ;
REPORT_V2 : 'report-v2' ;
REPORT_V3 : 'report-v3' ;
LEAVE : 'leave' ;
PIM_V1 : 'pim-v1' ;
DVMRP : 'dvmrp' ;
MTRACE : 'mtrace' ;
MTRACE_RESPONSE : 'mtrace-response' ;

// Literals. Longer forms first where a shorter one is a prefix of it.
DATE : DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT ;
RANGE_DOTS : '..' ;
IPV4_PREFIX : IPV4_ADDR '/' DIGIT+ ;
IPV4 : IPV4_ADDR ;
IPV6_PREFIX : IPV6_ADDR '/' DIGIT+ ;
IPV6 : IPV6_ADDR ;
BANDWIDTH : NUMBER_LIT [kKmMgG]? 'bps' ;
DURATION : DIGIT+ [smhd] ;
PERCENT : NUMBER_LIT '%' ;
DECIMAL : DIGIT+ '.' DIGIT+ ;
INT : DIGIT+ ;
STRING : '"' (~["\\\r\n] | '\\' ["\\nt])* '"' ;
IDENT : [a-zA-Z_] [a-zA-Z0-9_.\-]* ;

LINE_COMMENT : ('//' | '#') ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS : [ \t\r\n\f]+ -> channel(HIDDEN) ;

// Anything else is one bad character: a token the parser reports, never a lexer crash.
BAD_CHAR : . ;

fragment DIGIT : [0-9] ;
fragment HEX : [0-9a-fA-F] ;
fragment NUMBER_LIT : DIGIT+ ('.' DIGIT+)? ;
fragment IPV4_ADDR : DIGIT+ '.' DIGIT+ '.' DIGIT+ '.' DIGIT+ ;
fragment H16 : HEX HEX? HEX? HEX? ;
fragment IPV6_ADDR
    : H16 (':' H16)+ ('::' (H16 (':' H16)*)?)?
    | H16 (':' H16)* '::' (H16 (':' H16)*)?
    | '::' (H16 (':' H16)*)?
    // The last 32 bits as a dotted quad (RFC 4291 2.2): ::ffff:192.0.2.1, 64:ff9b::192.0.2.1.
    | (H16 ':')+ (':' (H16 ':')*)? IPV4_ADDR
    | '::' (H16 ':')* IPV4_ADDR
    ;
