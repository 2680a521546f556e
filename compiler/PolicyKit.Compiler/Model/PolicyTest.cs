using System.Collections.Immutable;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Model;

/// <summary>
/// One step of a <see cref="PolicyTest"/>: events in the event language of <c>mpolc explain</c>
/// (<see cref="Events"/> may hold {n}, replaced by 1…<see cref="Repeat"/>), and what every
/// decision they get must be: the verdict, the reason (kebab-case, as telemetry names it) and
/// text the deciding rule's source line holds. A step without <see cref="Expect"/> only runs.
/// </summary>
public sealed record PolicyTestStep(string Events, int Repeat, RuleAction? Expect, string? Because, string? By, SourceSpan Span)
{
    /// <summary>The events of repetition <paramref name="n"/> (1-based).</summary>
    public string EventsAt(int n) => Events.Replace("{n}", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

/// <summary>A test block: its title, the device whose engine runs it, its steps in order.</summary>
public sealed record PolicyTest(string Title, string Device, ImmutableArray<PolicyTestStep> Steps, SourceSpan Span);
