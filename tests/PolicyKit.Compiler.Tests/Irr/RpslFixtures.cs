namespace PolicyKit.Compiler.Tests.Irr;

/// <summary>Small RPSL exports, written as IRR databases write them (whois '%' comments, '#' comments, continuation lines).</summary>
internal static class RpslFixtures
{
    /// <summary>
    /// AS-CUSTOMERS = AS64501 + AS-DOWNSTREAM (nested: AS64503, AS-DOWNSTREAM-2: AS64504);
    /// AS64502 through a '+' continuation line. AS64999 is registered but in no set.
    /// </summary>
    public const string Customers = """
        % This is an export of the TEST database.
        % whois comments start with '%'

        as-set:         AS-CUSTOMERS
        descr:          customers of the edge
        members:        AS64501, AS-DOWNSTREAM   # comment after a value
        +               AS64502
        mnt-by:         MAINT-TEST
        source:         TEST

        as-set:         as-downstream
        members:        AS64503,
                        AS-DOWNSTREAM-2
        source:         TEST

        as-set:         AS-DOWNSTREAM-2
        members:        AS64504
        source:         TEST

        route:          192.0.2.0/24
        origin:         AS64501
        source:         TEST

        route:          198.51.100.0/25
        origin:         AS64502
        source:         TEST

        route:          198.51.100.128/25
        origin:         AS64502
        source:         TEST

        route6:         2001:db8:1000::/36
        origin:         AS64503
        source:         TEST

        route:          203.0.113.0/26
        origin:         AS64504
        source:         TEST

        route:          100.64.0.0/24
        origin:         AS64999
        source:         TEST

        """;

    /// <summary>Two as-sets that contain each other, and one that is on no path back (AS-C).</summary>
    public const string Cycle = """
        as-set: AS-A
        members: AS64510, AS-B

        as-set: AS-B
        members: AS64511, AS-A, AS-C

        as-set: AS-C
        members: AS64512

        route: 10.10.0.0/16
        origin: AS64510

        route: 10.11.0.0/16
        origin: AS64511

        route: 10.12.0.0/16
        origin: AS64512

        """;
}
