using System.CommandLine;
using System.Globalization;
using PolicyKit.Compiler;
using PolicyKit.Compiler.Analysis;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Output;
using PolicyKit.Engine;
using PolicyKit.Engine.Compiled;
using PolicyKit.Engine.Scripting;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// <c>mpolc explain POLICY --device D --event "EVENTS"</c>: compile the device's admission table,
/// run the events (';'-separated, in order, see docs/engine.md) through the agent's own engine,
/// and print for each its verdict, the reason, and the deciding rule with its policy location
/// and source line. Exit 0 when the events ran (whatever the verdicts), 1 when the policy has
/// errors, 2 for a usage error (unknown device, an event that does not parse).
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(CliContext context)
    {
        var policy = new Argument<string>("POLICY") { Description = "The policy file (.mpol)." };
        UnknownOptions.RefuseIn(policy);
        var device = new Option<string>("--device", "-d")
        {
            Description = "The device whose admission table decides.",
            HelpName = "DEVICE",
            Required = true,
        };
        var events = new Option<string[]>("--event", "-e")
        {
            Description = "Events, separated by ';' and applied in order, e.g. \"join eth1 232.10.1.1 source 198.51.100.7 from 10.0.0.9\" " +
                          "(join, leave, state, prune, sa, sa-out, sa-originate, register, prefix, withdraw, peer-down, wait; see docs/engine.md). Repeatable.",
            HelpName = "EVENTS",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var compilerOptions = new CompilerOptions();

        var command = new Command("explain", "Run events through a device's admission table and show each decision and the rule that made it.");
        command.Add(policy);
        command.Add(device);
        command.Add(events);
        compilerOptions.AddTo(command);
        command.SetAction(parseResult => Run(
            context,
            parseResult.GetValue(policy)!,
            parseResult.GetValue(device)!,
            string.Join(";", parseResult.GetValue(events) ?? []),
            compilerOptions.Read(parseResult)));
        return command;
    }

    private static int Run(CliContext context, string path, string deviceName, string eventText, CompilationOptions options)
    {
        if (!EventScript.TryParse(eventText, out var events, out var eventError))
        {
            context.ReportError($"--event: {eventError}");
            return ExitCodes.UsageOrIoError;
        }
        int loaded = CheckedDevice.Load(context, path, deviceName, options, "explain", out var view, out _);
        if (loaded != ExitCodes.Success) return loaded;
        var (device, table, lines) = (view!.Device, view.Table, view.Lines);
        var engine = new AdmissionEngine(table);
        var results = EventScript.Run(engine, events, start: 0);

        var output = context.Out;
        output.Write($"device {device.Name} ({device.Platform.Keyword()}) of {path}\n");
        // Audit scopes first: their denies below are admits that only report.
        if (table.DeviceAudit) output.Write($"audit  the whole device ({table.Source.LocationText(table.Source.Router.AuditLocation)}): every deny is reported and admitted\n");
        else
        {
            foreach (var iface in table.Source.Interfaces.Where(i => i.InAudit))
                output.Write($"audit  interface {iface.Name} ({table.Source.LocationText(iface.AuditLocation)}): its own rules' denies are reported and admitted\n");
        }
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            output.Write($"\n{i + 1}. {r.Event.Text}\n");
            if (r.Event.Kind == ScriptEventKind.Wait)
            {
                output.Write($"   clock now {TimeSpan.FromTicks(r.Time).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s; expired entries are gone\n");
                continue;
            }
            if (r.Event.Kind == ScriptEventKind.PeerDown)
            {
                output.Write("   every prefix and SA learned from the peer is removed\n");
                continue;
            }
            foreach (var (label, decision) in r.Decisions)
            {
                Write(output, label, decision, lines, indent: r.Decisions.Count > 1);
            }
        }
        return ExitCodes.Success;
    }

    private static void Write(TextWriter output, string label, Decision d, SourceLines lines, bool indent)
    {
        string pad = indent ? "     " : "   ";
        if (indent) output.Write($"   {label}:\n");
        string verdict = d.IsWouldDeny ? $"admit (audit: would deny ({Decision.ReasonText(d.Reason)}))"
            : d.IsAdmit ? "admit" : $"deny ({Decision.ReasonText(d.Reason)})";
        string notes = Notes(d);
        output.Write($"{pad}{verdict}{(notes.Length > 0 ? " — " + notes : string.Empty)}\n");
        if (!d.Rule.IsNone) WriteRule(output, pad, "rule ", d.Table, d.Rule, lines);
        else output.Write($"{pad}rule   none: {(d.IsAdmit ? "no rule of the policy applies" : "not a rule of the policy")}\n");
        if (!d.Limit.IsNone)
        {
            if (d.Limit != d.Rule) WriteRule(output, pad, "limit", d.Table, d.Limit, lines);
            output.Write($"{pad}use    {Amount(d, d.Used)} of {Amount(d, d.Max)}{(d.Max >= 0 && d.Used > d.Max ? " (above the limit: existing entries are kept, new ones refused)" : string.Empty)}\n");
        }
    }

    private static void WriteRule(TextWriter output, string pad, string caption, CompiledTable table, RuleRef rule, SourceLines lines)
    {
        string where = table.LocationText(table.LocationOf(rule));
        output.Write($"{pad}{caption}  {(where.Length > 0 ? where + "  " : string.Empty)}{table.Describe(rule)}\n");
        if (lines.Line(where) is { Length: > 0 } source) output.Write($"{pad}       | {source}\n");
    }

    /// <summary>A count, or a bandwidth for a cost-based state limit.</summary>
    private static string Amount(Decision d, long value)
    {
        if (value < 0) return "unlimited";
        if (d.Limit.Kind == RuleKind.StateLimit && d.Table.Source.Interfaces[d.Limit.Owner].StateLimits[d.Limit.Item].CostBased)
            return CompiledTable.Bandwidth(value);
        if (d.Limit.Kind == RuleKind.RegisterRate) return $"{value} register{(value == 1 ? "" : "s")}/s";
        return value.ToString(CultureInfo.InvariantCulture);
    }

    private static string Notes(Decision d)
    {
        var notes = new List<string>();
        if (d.IsDenyOrWouldDeny) notes.Add(Why(d.Reason));
        if (d.IsWouldDeny) notes.Add("admitted: the scope is in audit, so the policy only reports it");
        if (d.Has(DecisionFlags.Refresh)) notes.Add("refresh of an existing entry (never refused by a limit)");
        if (d.Has(DecisionFlags.Removed)) notes.Add("entry removed, its slot freed");
        if (d.Has(DecisionFlags.NotFound)) notes.Add("no such entry");
        if (d.Has(DecisionFlags.NoPolicy)) notes.Add("the policy says nothing about it");
        else if (d.Has(DecisionFlags.NotCounted) && d.IsAdmit && !d.Has(DecisionFlags.Removed)) notes.Add("counts towards no limit");
        if (d.Has(DecisionFlags.WarningCrossed)) notes.Add("warning threshold crossed");
        else if (d.Has(DecisionFlags.Warning)) notes.Add("above the warning threshold");
        if (d.Has(DecisionFlags.OverLimit)) notes.Add("above the maximum (warning-only)");
        return string.Join("; ", notes);
    }

    private static string Why(DenyReason reason) => reason switch
    {
        DenyReason.InvalidEvent => "the event is not well formed",
        DenyReason.GroupRange => "the group is disabled on this router",
        DenyReason.SsmRangeNeedsSource => "an ASM (*,G) join or state for a group in the SSM range",
        DenyReason.MinimumVersion => "the report is older than the interface's minimum version",
        DenyReason.AccessFilter => "the interface's access filter does not permit this join",
        DenyReason.InterfaceLimit => "the interface's membership limit is full",
        DenyReason.RouterLimit => "the router-wide membership cap is full",
        DenyReason.RouteLimit => "the router holds its maximum of multicast routes",
        DenyReason.StateLimit => "the state does not fit this state limit",
        DenyReason.NoState => "no such multicast state",
        DenyReason.UnknownPeer => "not a configured MSDP peer",
        DenyReason.SaFilterIn => "the peer's inbound SA filter does not accept it",
        DenyReason.SaFilterOut => "the peer's outbound SA filter does not send it",
        DenyReason.SaRedistribute => "the MSDP redistribute filter does not announce this local source",
        DenyReason.SaLimit => "the peer's SA limit is full",
        DenyReason.AcceptRegister => "the RP does not accept registers for it (Register-Stop)",
        DenyReason.RegisterRate => "no register token left for this (S,G) this second",
        DenyReason.PrefixFilter => "the peer's inbound prefix filter denies it",
        DenyReason.MaxPrefix => "one prefix above the peer's max-prefix (the session is torn down)",
        _ => string.Empty,
    };
}
