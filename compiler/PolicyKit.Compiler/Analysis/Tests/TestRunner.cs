using PolicyKit.Compiler.Model;
using PolicyKit.Engine;
using PolicyKit.Engine.Scripting;

namespace PolicyKit.Compiler.Analysis.Tests;

/// <summary>The outcome of one test block: where it is, how many decisions it checked, and each failure in words.</summary>
public sealed record TestOutcome(string Title, string Device, string Location, int Checks, IReadOnlyList<string> Failures, TimeSpan Elapsed)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>A rule of a tested device that no test's event was decided by.</summary>
public sealed record UncoveredRule(string Device, RuleInfo Rule);

/// <summary>Every test of a policy run, and the rules of the tested devices that no test exercised.</summary>
public sealed record TestRun(string Policy, IReadOnlyList<TestOutcome> Outcomes, IReadOnlyList<UncoveredRule> Uncovered, int Rules)
{
    public int Passed => Outcomes.Count(o => o.Passed);

    public int Failed => Outcomes.Count - Passed;
}

/// <summary>
/// Runs a policy's test blocks: each on a fresh engine of its device (the agent's own, from the
/// device's table), its steps in order, every decision of an expecting step checked against the
/// verdict, reason and rule text it states. Rule coverage counts a filter or prefix-filter rule
/// as exercised when some decision named it (as the deciding rule or the limit).
/// </summary>
public static class TestRunner
{
    public static TestRun Run(string policy, PolicyModel model)
    {
        var views = new Dictionary<string, DeviceView>(StringComparer.Ordinal);
        var exercised = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        var outcomes = new List<TestOutcome>();
        foreach (var test in model.Tests)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var device = model.FindDevice(test.Device);
            if (device is null)
            {
                outcomes.Add(new TestOutcome(test.Title, test.Device, test.Span.ToString(), 0, [$"no device '{test.Device}'"], TimeSpan.Zero));
                continue;
            }
            if (!views.TryGetValue(device.Name, out var view)) views[device.Name] = view = DeviceView.Of(model, device);
            var seen = exercised.TryGetValue(device.Name, out var s) ? s : exercised[device.Name] = [];
            var (checks, failures) = RunTest(view, test, seen);
            outcomes.Add(new TestOutcome(test.Title, test.Device, test.Span.ToString(), checks, failures, System.Diagnostics.Stopwatch.GetElapsedTime(started)));
        }
        var uncovered = new List<UncoveredRule>();
        int rules = 0;
        foreach (var (name, view) in views)
        {
            foreach (var (location, rule) in Rules(view))
            {
                rules++;
                if (!exercised[name].Contains(location) && view.Rule(rule) is { } info) uncovered.Add(new UncoveredRule(name, info));
            }
        }
        return new TestRun(policy, outcomes, uncovered, rules);
    }

    private static (int Checks, List<string> Failures) RunTest(DeviceView view, PolicyTest test, HashSet<int> seen)
    {
        var engine = view.NewEngine();
        var failures = new List<string>();
        int checks = 0;
        foreach (var step in test.Steps)
        {
            for (int n = 1; n <= step.Repeat; n++)
            {
                string text = step.EventsAt(n);
                if (!EventScript.TryParse(text, out var events, out string error))
                {
                    failures.Add($"{step.Span}: {error}");
                    break;
                }
                string? failure = null;
                foreach (var result in EventScript.Run(engine, events, start: 0))
                {
                    foreach (var (_, d) in result.Decisions)
                    {
                        if (!d.Rule.IsNone) seen.Add(d.Location);
                        if (!d.Limit.IsNone) seen.Add(view.Table.LocationOf(d.Limit));
                    }
                    // An event's fate is its last decision: a state's output once the state is
                    // admitted, the state's refusal otherwise. wait and peer-down decide nothing.
                    if (step.Expect is not { } expect || result.Decisions.Count == 0) continue;
                    checks++;
                    failure ??= Mismatch(view, step, expect, result.Event.Text, result.Decisions[^1].Decision);
                }
                if (failure is not null)
                {
                    failures.Add($"{step.Span}{(step.Repeat > 1 ? $" (repetition {n} of {step.Repeat})" : "")}: {failure}");
                    break;
                }
            }
        }
        return (checks, failures);
    }

    /// <summary>Null when the decision is what the step expects; else what was expected and what happened, with the deciding rule.</summary>
    private static string? Mismatch(DeviceView view, PolicyTestStep step, RuleAction expect, string eventText, Decision d)
    {
        bool admitExpected = expect == RuleAction.Permit;
        var rule = view.Rule(d.Rule);
        string got = $"{(d.IsAdmit ? "permit" : $"deny because {Decision.ReasonText(d.Reason)}")}{(rule is null ? "" : $" by {rule.Location} | {rule.SourceLine ?? rule.Text}")}";
        string expected = admitExpected ? "permit" : "deny" + (step.Because is { } b ? $" because {b}" : "");
        if (d.IsAdmit != admitExpected) return $"{eventText}: expected {expected}, got {got}";
        if (step.Because is { } reason && !d.IsAdmit && Decision.ReasonText(d.Reason) != reason) return $"{eventText}: expected {expected}, got {got}";
        if (step.By is { } by)
        {
            // The deciding rule, or for an admit counted by a limit, that limit.
            var limit = view.Rule(d.Limit);
            bool matches = new[] { rule, limit }.Any(r => r is not null && ((r.SourceLine?.Contains(by, StringComparison.Ordinal) ?? false) || r.Text.Contains(by, StringComparison.Ordinal)));
            if (!matches) return $"{eventText}: expected a rule with \"{by}\", got {got}";
        }
        return null;
    }

    /// <summary>The filter and prefix-filter rules of a device's table, one per policy location.</summary>
    private static IEnumerable<(int Location, RuleRef Rule)> Rules(DeviceView view)
    {
        var table = view.Table;
        var locations = new HashSet<int>();
        for (int f = 0; f < table.Source.Filters.Length; f++)
        {
            for (int i = 0; i < table.Source.Filters[f].Rules.Length; i++)
            {
                var rule = new RuleRef(RuleKind.FilterRule, f, i);
                int location = table.LocationOf(rule);
                if (location >= 0 && locations.Add(location)) yield return (location, rule);
            }
        }
        for (int f = 0; f < table.Source.PrefixFilters.Length; f++)
        {
            for (int i = 0; i < table.Source.PrefixFilters[f].Rules.Length; i++)
            {
                var rule = new RuleRef(RuleKind.PrefixRule, f, i);
                int location = table.LocationOf(rule);
                if (location >= 0 && locations.Add(location)) yield return (location, rule);
            }
        }
    }
}
