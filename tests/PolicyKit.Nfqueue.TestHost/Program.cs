using PolicyKit.Nfqueue.TestHost;

return args.Length == 0 ? Usage() : args[0] switch
{
    "enforce" => EnforceMode.Run(Arguments.Parse(args[1..])),
    "listen" => ListenMode.Run(Arguments.Parse(args[1..])),
    "join" => JoinMode.Run(Arguments.Parse(args[1..])),
    "query" => QueryMode.Run(Arguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: PolicyKit.Nfqueue.TestHost MODE [--option value]...
          enforce --table F.mpt --id ID [--queue N] [--fail-closed] [--map LINUX=POLICY]... [--interfaces a,b]
                  [--allow-timeout S] [--deny-timeout S] [--membership-timeout S] [--no-flows] [--no-joins] [--ipv4-only]
          listen  --interface IF [--groups G,G]     print IGMP that reaches a raw IGMP socket here
          join    --interface IF --group G [--source S]   hold a membership (kernel IGMP) until killed
          query   --interface IF [--group G] [--version 2|3]   send one IGMP query
        """);
    return 2;
}
