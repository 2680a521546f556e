using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// In a first-match filter, a rule covered by an earlier one never decides anything.
/// MP3008 (warning) when it is merely dead; MP3009 (error) when the two rules match exactly the
/// same traffic with opposite actions — the author wrote a contradiction.
/// </summary>
public sealed class ShadowedRuleCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        foreach (var filter in ModelWalker.AllFilters(context.Model))
        {
            var rules = filter.Rules;
            for (int j = 1; j < rules.Length; j++)
            {
                for (int i = 0; i < j; i++)
                {
                    if (!MatchCoverage.Covers(rules[i].Match, rules[j].Match)) continue;
                    bool identical = MatchCoverage.Covers(rules[j].Match, rules[i].Match);
                    int later = j + 1, earlier = i + 1;
                    if (identical && rules[i].Action != rules[j].Action)
                    {
                        context.Diagnostics.Add(rules[j].Span, c => c.PermitAndDeny(rules[j].Match.ToString())
                            .WithRelated(rules[i].Span, $"rule {earlier} already {rules[i].Action.ToString().ToLowerInvariant()}s it"));
                    }
                    else if (!IsFinalCatchAllOfSameAction(filter, j))
                    {
                        context.Diagnostics.Add(rules[j].Span, c => c.RuleShadowed(later, earlier)
                            .WithRelated(rules[i].Span, $"rule {earlier}"));
                    }
                    break;
                }
            }
        }
    }

    /// <summary>
    /// A trailing `deny any;` only restates the implicit deny; it is harmless documentation even
    /// when an earlier deny already covers everything.
    /// </summary>
    private static bool IsFinalCatchAllOfSameAction(Filter filter, int index) =>
        index == filter.Rules.Length - 1 && filter.Rules[index].Match.IsAny && filter.Rules[index].Action == RuleAction.Deny;
}
