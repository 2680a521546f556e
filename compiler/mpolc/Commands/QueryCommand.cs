using System.CommandLine;
using System.CommandLine.Parsing;
using PolicyKit.Compiler.Analysis;
using PolicyKit.Compiler.Analysis.Queries;
using PolicyKit.Compiler.Model;
using PolicyKit.Engine;
using PolicyKit.Engine.Analysis;
using PolicyKit.Tables.Model;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc query QUESTION POLICY --device D …</c>: questions answered from the policy before a
/// change reaches a router, with the rule and source line that decides and, under
/// <c>--expect</c>, a counterexample or a witness. Questions: <c>join</c> (can a host join (S,G)
/// here?), <c>ranges</c> (which (S,G) can hosts here join?), <c>budget</c> (with these streams
/// joined, what is left and what is refused next?), <c>sa</c> (which SAs from a peer are
/// accepted?), <c>registers</c> and <c>prefixes</c> (which prefixes from a neighbor pass?).
/// Exit codes: 0 answered (and the expectation holds), 1 a policy with errors (its diagnostics on
/// stderr), 2 usage or I/O error, 3 internal error, 4 the expectation does not hold — its own code,
/// so a CI job tells a wrong answer from a broken policy.
/// </summary>
internal static class QueryCommand
{
    /// <summary>The answer contradicts --expect (distinct from the codes every command shares, ExitCodes).</summary>
    public const int ExpectationFails = 4;

    private enum OutputFormat
    {
        Text,
        Json,
    }

    public static Command Create(CliContext context)
    {
        var command = new Command("query",
            "Ask a device's policy a question: join, ranges, budget, sa, registers, prefixes (exit 0 answered/expectation holds, 1 policy errors, 2 usage/I/O, 4 expectation fails).");
        command.Add(Join(context));
        command.Add(Ranges(context));
        command.Add(Budget(context));
        command.Add(Sa(context));
        command.Add(Registers(context));
        command.Add(Prefixes(context));
        return command;
    }

    /// <summary>The options every question has: the policy, the device, the format, the expectation, the compiler's options.</summary>
    private sealed class Common
    {
        public Argument<string> Policy { get; } = new("POLICY") { Description = "The policy file (.mpol)." };

        public Option<string> Device { get; } = new("--device", "-d") { Description = "The device the question is about.", HelpName = "DEVICE", Required = true };

        public Option<OutputFormat> Format { get; } = new("--format", "-f")
        {
            Description = "Output format: text (for people) or json (for scripts).",
            HelpName = "text|json",
        };

        public Option<Expectation> Expect { get; } = new("--expect")
        {
            Description = "Assert the answer: admit (every event asked about is admitted) or deny (none is); none (the default) asserts nothing. Exit 4 with a counterexample when it does not hold.",
            HelpName = "none|admit|deny",
        };

        public CompilerOptions Compiler { get; } = new();

        public Common()
        {
            Policy.Validators.Add(result =>
            {
                foreach (var token in result.Tokens)
                {
                    if (token.Value.Length > 1 && token.Value[0] == '-') result.AddError($"unknown option '{token.Value}'");
                }
            });
            ChoiceParser.Configure(Format, [("text", OutputFormat.Text), ("json", OutputFormat.Json)]);
            ChoiceParser.Configure(Expect, [("none", Expectation.None), ("admit", Expectation.Admit), ("deny", Expectation.Deny)]);
        }

        public Command Command(string name, string description)
        {
            var command = new Command(name, description);
            command.Add(Policy);
            command.Add(Device);
            command.Add(Format);
            command.Add(Expect);
            Compiler.AddTo(command);
            return command;
        }

        /// <summary>Loads the device, asks, prints; the exit code.</summary>
        public int Run(CliContext context, ParseResult parse, Func<DeviceView, QueryAnswer?> ask)
        {
            int code = CheckedDevice.Load(context, parse.GetValue(Policy)!, parse.GetValue(Device)!, Compiler.Read(parse), "ask", out var view, out _);
            if (code != ExitCodes.Success) return code;
            var answer = ask(view!);
            if (answer is null) return ExitCodes.UsageOrIoError;
            if (parse.GetValue(Format) == OutputFormat.Json) QueryAnswerWriter.WriteJson(context.Out, answer);
            else QueryAnswerWriter.WriteText(context.Out, answer);
            return answer.Holds ? ExitCodes.Success : ExpectationFails;
        }
    }

    private static Option<string> InterfaceOption(string description) =>
        new("--interface", "-i") { Description = description, HelpName = "IFACE", Required = true };

    private static Command Join(CliContext context)
    {
        var common = new Common();
        var iface = InterfaceOption("The interface the host is on (its name in the policy).");
        var group = new Argument<string>("GROUP") { Description = "The group to join." };
        var source = new Option<string?>("--source", "-s") { Description = "The source (an SSM join); without it the join is (*,G).", HelpName = "S" };
        var host = new Option<string?>("--host") { Description = "The reporting host's address (rules with 'from' look at it).", HelpName = "H" };
        var version = new Option<int>("--version") { Description = "The IGMP/MLD version of the report (default: IGMPv3, MLDv2).", HelpName = "N" };
        var command = common.Command("join", "Can a host on the interface join (S,G)? The decision on an empty state, with the deciding rule.");
        command.Add(group);
        command.Add(iface);
        command.Add(source);
        command.Add(host);
        command.Add(version);
        command.SetAction(parse =>
        {
            if (!Addresses.Group(context, parse.GetValue(group)!, out var g)
                || !Addresses.Optional(context, "--source", parse.GetValue(source), g.Family, out var s)
                || !Addresses.Optional(context, "--host", parse.GetValue(host), g.Family, out var h)) return ExitCodes.UsageOrIoError;
            return common.Run(context, parse, view => Questions.Join(view, parse.GetValue(iface)!, g, s, h, parse.GetValue(version), parse.GetValue(common.Expect)));
        });
        return command;
    }

    private static Command Ranges(CliContext context)
    {
        var common = new Common();
        var iface = InterfaceOption("The interface whose hosts join.");
        var family = FamilyOption();
        var (sources, groups, hosts) = (RangeOption("--sources", "Only these sources (prefixes, comma-separated; 0.0.0.0 is (*,G))."),
            RangeOption("--groups", "Only these groups (prefixes, comma-separated)."), RangeOption("--hosts", "Only these reporting hosts."));
        var command = common.Command("ranges", "Which (S,G) ranges can hosts on the interface join? The join space split by the rule that decides each part.");
        command.Add(iface);
        command.Add(family);
        command.Add(sources);
        command.Add(groups);
        command.Add(hosts);
        command.SetAction(parse =>
        {
            var f = Family(parse.GetValue(family));
            if (!Addresses.Ranges(context, "--sources", parse.GetValue(sources), f, out var s) || !Addresses.Ranges(context, "--groups", parse.GetValue(groups), f, out var g)
                || !Addresses.Ranges(context, "--hosts", parse.GetValue(hosts), f, out var h)) return ExitCodes.UsageOrIoError;
            return common.Run(context, parse, view => Questions.Ranges(view, parse.GetValue(iface)!, f, s, g, h, parse.GetValue(common.Expect)));
        });
        return command;
    }

    private static Command Budget(CliContext context)
    {
        var common = new Common();
        var iface = InterfaceOption("The interface the streams are joined on and forwarded out of.");
        var streams = new Option<string[]>("--stream")
        {
            Description = "A stream joined on the interface, \"SOURCE GROUP\" (or \"* GROUP\"); repeatable, or several separated by ';'.",
            HelpName = "S G",
            Arity = ArgumentArity.OneOrMore,
        };
        var rpf = new Option<string?>("--rpf") { Description = "The interface the streams arrive on (its RPF limits count them too).", HelpName = "IFACE" };
        var next = new Option<string?>("--next") { Description = "One more stream to try after them, \"SOURCE GROUP\"; --expect asserts its decision.", HelpName = "S G" };
        var command = common.Command("budget", "With these streams joined on the interface, how much of each limit and budget is left, and which stream is refused next?");
        command.Add(iface);
        command.Add(streams);
        command.Add(rpf);
        command.Add(next);
        command.SetAction(parse =>
        {
            var list = new List<(Address, Address)>();
            foreach (var text in (parse.GetValue(streams) ?? []).SelectMany(s => s.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (!Addresses.Stream(context, "--stream", text, out var stream)) return ExitCodes.UsageOrIoError;
                list.Add(stream);
            }
            (Address, Address)? n = null;
            if (parse.GetValue(next) is { } nextText)
            {
                if (!Addresses.Stream(context, "--next", nextText, out var stream)) return ExitCodes.UsageOrIoError;
                n = stream;
            }
            return common.Run(context, parse, view => Questions.Budget(view, parse.GetValue(iface)!, list, parse.GetValue(rpf), n, parse.GetValue(common.Expect)));
        });
        return command;
    }

    private static Command Sa(CliContext context)
    {
        var common = new Common();
        var peer = new Option<string>("--peer", "-p") { Description = "The MSDP peer's address.", HelpName = "PEER", Required = true };
        var outbound = new Option<bool>("--out") { Description = "SAs this router forwards to the peer (sa-filter out), instead of those it accepts from it." };
        var sources = RangeOption("--sources", "Only these sources (prefixes, comma-separated).");
        var groups = RangeOption("--groups", "Only these groups (prefixes, comma-separated).");
        var command = common.Command("sa", "Which MSDP SAs from a peer are accepted (or, with --out, sent to it)?");
        command.Add(peer);
        command.Add(outbound);
        command.Add(sources);
        command.Add(groups);
        command.SetAction(parse =>
        {
            if (!Addresses.Unicast(context, "--peer", parse.GetValue(peer)!, out var p)
                || !Addresses.Ranges(context, "--sources", parse.GetValue(sources), p.Family, out var s)
                || !Addresses.Ranges(context, "--groups", parse.GetValue(groups), p.Family, out var g)) return ExitCodes.UsageOrIoError;
            return common.Run(context, parse, view => Questions.Sas(view, p, parse.GetValue(outbound), s, g, parse.GetValue(common.Expect)));
        });
        return command;
    }

    private static Command Registers(CliContext context)
    {
        var common = new Common();
        var family = FamilyOption();
        var sources = RangeOption("--sources", "Only these sources (prefixes, comma-separated).");
        var groups = RangeOption("--groups", "Only these groups (prefixes, comma-separated).");
        var command = common.Command("registers", "Which PIM registers does this RP accept (accept-register)?");
        command.Add(family);
        command.Add(sources);
        command.Add(groups);
        command.SetAction(parse =>
        {
            var f = Family(parse.GetValue(family));
            if (!Addresses.Ranges(context, "--sources", parse.GetValue(sources), f, out var s) || !Addresses.Ranges(context, "--groups", parse.GetValue(groups), f, out var g)) return ExitCodes.UsageOrIoError;
            return common.Run(context, parse, view => Questions.Registers(view, f, s, g, parse.GetValue(common.Expect)));
        });
        return command;
    }

    private static Command Prefixes(CliContext context)
    {
        var common = new Common();
        var neighbor = new Option<string>("--neighbor", "-n") { Description = "The BGP neighbor's address.", HelpName = "N", Required = true };
        var within = new Option<string?>("--within") { Description = "Only prefixes inside these (comma-separated), of their length or longer.", HelpName = "PREFIXES" };
        var command = common.Command("prefixes", "Which prefixes from a BGP neighbor pass its inbound prefix filter?");
        command.Add(neighbor);
        command.Add(within);
        command.SetAction(parse =>
        {
            if (!Addresses.Unicast(context, "--neighbor", parse.GetValue(neighbor)!, out var n)
                || !Addresses.Prefixes(context, "--within", parse.GetValue(within), n.Family, out var w)) return ExitCodes.UsageOrIoError;
            return common.Run(context, parse, view => Questions.Prefixes(view, n, w, parse.GetValue(common.Expect)));
        });
        return command;
    }

    /// <summary>The --family words; default(FamilyChoice) is the default, as ChoiceParser wants (AddressFamily.V4 is 4, not 0).</summary>
    private enum FamilyChoice
    {
        Ipv4,
        Ipv6,
    }

    private static Option<FamilyChoice> FamilyOption()
    {
        var family = new Option<FamilyChoice>("--family")
        {
            Description = "ipv4 (IGMP, the default) or ipv6 (MLD).",
            HelpName = "ipv4|ipv6",
        };
        ChoiceParser.Configure(family, [("ipv4", FamilyChoice.Ipv4), ("ipv6", FamilyChoice.Ipv6)]);
        return family;
    }

    private static AddressFamily Family(FamilyChoice choice) => choice == FamilyChoice.Ipv6 ? AddressFamily.V6 : AddressFamily.V4;

    private static Option<string?> RangeOption(string name, string description) => new(name) { Description = description, HelpName = "PREFIXES" };

    /// <summary>Address arguments, each refused with one line naming the option.</summary>
    private static class Addresses
    {
        public static bool Group(CliContext context, string text, out Address group)
        {
            if (Address.TryParse(text, out group) && Space.Multicast(group.Family).Contains(group.Value)) return true;
            context.ReportError($"'{text}' is not a multicast group (224.0.0.0/4, ff00::/8)");
            return false;
        }

        public static bool Unicast(CliContext context, string option, string text, out Address address)
        {
            if (Address.TryParse(text, out address)) return true;
            context.ReportError($"{option}: '{text}' is not an IPv4 or IPv6 address");
            return false;
        }

        public static bool Optional(CliContext context, string option, string? text, AddressFamily family, out Address address)
        {
            address = Address.None;
            if (text is null) return true;
            if (!Unicast(context, option, text, out address)) return false;
            if (address.Family == family) return true;
            context.ReportError($"{option}: {text} and the group are of different address families");
            return false;
        }

        public static bool Stream(CliContext context, string option, string text, out (Address Source, Address Group) stream)
        {
            stream = default;
            var parts = text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                context.ReportError($"{option}: '{text}' is not a stream: expected \"SOURCE GROUP\" or \"* GROUP\"");
                return false;
            }
            if (!Group(context, parts[1], out var group)) return false;
            var source = Address.None;
            if (parts[0] != "*" && !Optional(context, option, parts[0], group.Family, out source)) return false;
            stream = (source, group);
            return true;
        }

        public static bool Prefixes(CliContext context, string option, string? text, AddressFamily family, out IReadOnlyList<IpPrefix> prefixes)
        {
            var list = new List<IpPrefix>();
            prefixes = list;
            foreach (var item in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!IpPrefix.TryParse(item, out var prefix, out var error, out _))
                {
                    context.ReportError($"{option}: '{item}': {error}");
                    return false;
                }
                if ((prefix.Family == IpFamily.V4) != (family == AddressFamily.V4))
                {
                    context.ReportError($"{option}: '{item}' is not an {(family == AddressFamily.V4 ? "IPv4" : "IPv6")} prefix");
                    return false;
                }
                list.Add(prefix);
            }
            return true;
        }

        public static bool Ranges(CliContext context, string option, string? text, AddressFamily family, out IntervalSet? set)
        {
            set = null;
            if (text is null) return true;
            if (!Prefixes(context, option, text, family, out var prefixes)) return false;
            set = IntervalSet.From(prefixes.Select(p => (p.First, p.Length == 0 ? Space.MaxAddress(family) : p.Last)));
            return true;
        }
    }
}
