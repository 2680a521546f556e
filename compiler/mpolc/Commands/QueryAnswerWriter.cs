using System.Globalization;
using System.Text.Json;
using PolicyKit.Compiler.Analysis;
using PolicyKit.Compiler.Analysis.Queries;
using PolicyKit.Compiler.Output;
using PolicyKit.Engine;

namespace PolicyKit.Mpolc.Commands;

/// <summary>Prints a <see cref="QueryAnswer"/> for people (text) or scripts (JSON).</summary>
internal static class QueryAnswerWriter
{
    public static void WriteText(TextWriter o, QueryAnswer answer)
    {
        o.Write($"{answer.Subject}\n");
        if (answer.Decisions.Count > 0) o.Write('\n');
        foreach (var d in answer.Decisions) WriteDecision(o, d, "");
        if (answer.Regions.Count > 0)
        {
            o.Write('\n');
            int admitted = answer.Regions.Count(r => r.IsAdmit);
            o.Write($"{admitted} admitted and {answer.Regions.Count - admitted} denied region{(answer.Regions.Count - admitted == 1 ? "" : "s")}:\n");
            // One heading per deciding rule, then the regions it decides.
            foreach (var group in answer.Regions.GroupBy(r => (r.VerdictText, r.Rule)))
            {
                o.Write($"  {group.Key.VerdictText}\n");
                WriteRule(o, group.Key.Rule, "      ");
                foreach (var r in group)
                {
                    var axes = r.Axes.Where(a => !(a.Axis == "hosts" && a.Text == "any")).Select(a => $"{a.Axis} {a.Text}");
                    o.Write($"      • {string.Join("  ", axes)}\n");
                }
            }
        }
        if (answer.Limits.Count > 0)
        {
            o.Write("\nlimits:\n");
            foreach (var l in answer.Limits)
            {
                o.Write($"  {l.Rule.Text}\n");
                if (l.Rule.Location.Length > 0) o.Write($"      {l.Rule.Location}{(l.Rule.SourceLine is { } line ? " | " + line : "")}\n");
                o.Write($"      used {Amount(l, l.Used)} of {Amount(l, l.Max)}, left {Amount(l, l.Left)}\n");
                foreach (var c in l.Classes) o.Write($"      {c.Class}: {Amount(l, c.CostBps)} each, {c.Fits} more fit\n");
                if (l.NextRefused is { } next) o.Write($"      refused next: {next}\n");
            }
        }
        if (answer.Notes.Count > 0)
        {
            o.Write("\nnotes:\n");
            foreach (var n in answer.Notes) o.Write($"  - {n}\n");
        }
        if (answer.Expectation is { } e)
        {
            string word = e.Expected == Expectation.Admit ? "admit" : "deny";
            o.Write($"\nexpect {word}: {(e.Holds ? "holds" : "does NOT hold")}");
            if (e.Example is { } example)
            {
                o.Write(e.Holds ? "; for example:\n" : "; counterexample:\n");
                WriteDecision(o, example, "  ");
            }
            else o.Write('\n');
        }
    }

    private static void WriteDecision(TextWriter o, AnswerDecision d, string pad)
    {
        o.Write($"{pad}{d.Event}\n");
        o.Write($"{pad}  → {d.VerdictText}{(d.Notes.Count > 0 ? " — " + string.Join("; ", d.Notes) : "")}\n");
        WriteRule(o, d.Rule, pad + "    ");
        if (d.Limit is { } l && l.Rule != d.Rule)
        {
            o.Write($"{pad}    limit {l.Rule.Text}, used {Amount(l, l.Used)} of {Amount(l, l.Max)}\n");
        }
        else if (d.Limit is { } same)
        {
            o.Write($"{pad}    used {Amount(same, same.Used)} of {Amount(same, same.Max)}\n");
        }
    }

    private static void WriteRule(TextWriter o, RuleInfo? rule, string pad)
    {
        if (rule is null)
        {
            o.Write($"{pad}no rule of the policy decides it\n");
            return;
        }
        o.Write($"{pad}{rule.Text}\n");
        if (rule.Location.Length > 0) o.Write($"{pad}{rule.Location}{(rule.SourceLine is { } line ? " | " + line : "")}\n");
    }

    private static string Amount(AnswerLimit l, long value) =>
        value < 0 ? "unlimited" : l.IsBandwidth ? Engine.Compiled.CompiledTable.Bandwidth(value) : value.ToString(CultureInfo.InvariantCulture);

    public static void WriteJson(TextWriter o, QueryAnswer answer) => JsonOutput.Write(o, w =>
    {
        w.WriteStartObject();
        w.WriteString("question", answer.Question);
        w.WriteString("subject", answer.Subject);
        w.WriteStartArray("decisions");
        foreach (var d in answer.Decisions) Decision(w, d);
        w.WriteEndArray();
        w.WriteStartArray("regions");
        foreach (var r in answer.Regions)
        {
            w.WriteStartObject();
            w.WriteString("verdict", r.IsAdmit ? "admit" : "deny");
            if (r.IsAdmit) w.WriteNull("reason");
            else w.WriteString("reason", Engine.Decision.ReasonText(r.Reason));
            Rule(w, "rule", r.Rule);
            foreach (var axis in r.Axes)
            {
                w.WriteStartArray(axis.Axis);
                foreach (var v in axis.Values) w.WriteStringValue(v);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("limits");
        foreach (var l in answer.Limits) Limit(w, l);
        w.WriteEndArray();
        w.WriteStartArray("notes");
        foreach (var n in answer.Notes) w.WriteStringValue(n);
        w.WriteEndArray();
        if (answer.Expectation is { } e)
        {
            w.WriteStartObject("expectation");
            w.WriteString("expected", e.Expected == Expectation.Admit ? "admit" : "deny");
            w.WriteBoolean("holds", e.Holds);
            if (e.Example is { } example)
            {
                w.WritePropertyName(e.Holds ? "witness" : "counterexample");
                Decision(w, example);
            }
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("expectation");
        }
        w.WriteEndObject();
    });

    private static void Decision(Utf8JsonWriter w, AnswerDecision d)
    {
        w.WriteStartObject();
        w.WriteString("event", d.Event);
        w.WriteString("verdict", d.IsAdmit ? "admit" : "deny");
        if (d.IsAdmit) w.WriteNull("reason");
        else w.WriteString("reason", Engine.Decision.ReasonText(d.Reason));
        Rule(w, "rule", d.Rule);
        if (d.Limit is { } l) Limit(w, l, "limit");
        else w.WriteNull("limit");
        w.WriteStartArray("notes");
        foreach (var n in d.Notes) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Limit(Utf8JsonWriter w, AnswerLimit l, string? name = null)
    {
        if (name is null) w.WriteStartObject();
        else w.WriteStartObject(name);
        Rule(w, "rule", l.Rule);
        w.WriteString("unit", l.IsBandwidth ? "bps" : "entries");
        w.WriteNumber("used", l.Used);
        w.WriteNumber("max", l.Max);
        w.WriteNumber("left", l.Left);
        if (l.Classes.Count > 0)
        {
            w.WriteStartArray("classes");
            foreach (var c in l.Classes)
            {
                w.WriteStartObject();
                w.WriteString("class", c.Class);
                w.WriteNumber("cost_bps", c.CostBps);
                w.WriteNumber("fits", c.Fits);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (l.NextRefused is { } next) w.WriteString("refused_next", next);
        w.WriteEndObject();
    }

    private static void Rule(Utf8JsonWriter w, string name, RuleInfo? rule)
    {
        if (rule is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("text", rule.Text);
        w.WriteString("location", rule.Location);
        if (rule.SourceLine is { } line) w.WriteString("line", line);
        else w.WriteNull("line");
        w.WriteEndObject();
    }
}
