using System.Collections.Immutable;
using PolicyKit.Compiler.Diagnostics;
using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Syntax;
using PolicyKit.Engine;
using PolicyKit.Engine.Scripting;

namespace PolicyKit.Compiler.Binding;

/// <summary>
/// Binds test blocks: the device each names must exist (MP2030), its events must parse in the
/// event language (MP2031, checked with {n} = 1) and a 'because' must name a deny reason (MP2032).
/// </summary>
public sealed class TestBinder(SymbolTable symbols, DiagnosticBag diagnostics)
{
    /// <summary>Every deny reason by the kebab-case name telemetry and mpolc explain print.</summary>
    public static readonly IReadOnlyDictionary<string, DenyReason> Reasons =
        Enum.GetValues<DenyReason>().Where(r => r != DenyReason.None).ToDictionary(Decision.ReasonText, r => r, StringComparer.Ordinal);

    public PolicyTest Bind(TestDeclSyntax test)
    {
        if (!symbols.Devices.Any(d => d.Name.Text == test.Device.Text))
            diagnostics.Add(test.Device.Span, c => c.TestUnknownDevice(test.Name.Text, test.Device.Text, symbols.Devices.Select(d => d.Name.Text)));
        var steps = ImmutableArray.CreateBuilder<PolicyTestStep>(test.Steps.Length);
        foreach (var step in test.Steps)
        {
            var bound = new PolicyTestStep(step.Events, step.Repeat, step.Expect, step.Because, step.By, step.Span);
            if (!EventScript.TryParse(bound.EventsAt(1), out _, out string error))
                diagnostics.Add(step.EventsSpan, c => c.TestEventInvalid(error));
            if (step.Because is { } reason && !Reasons.ContainsKey(reason))
                diagnostics.Add(step.BecauseSpan!.Value, c => c.TestUnknownReason(reason, Reasons.Keys));
            steps.Add(bound);
        }
        return new PolicyTest(test.Name.Text, test.Device.Text, steps.ToImmutable(), test.Span);
    }
}
