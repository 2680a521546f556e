using System.CommandLine;
using System.CommandLine.Parsing;

namespace PolicyKit.Mpolc.Commands;

/// <summary>
/// An option whose value is one of a few fixed words, parsed into an enum. Exact lower-case
/// words only (enum parsing would also take "Json" or "1"), and a one-line error that names
/// the choices, in the form mpolc prints every usage error. The first choice is the default;
/// help names it by its word ("[default: text]"), not by the enum member ("Text", which the
/// parser would refuse).
/// </summary>
internal static class ChoiceParser
{
    public static void Configure<T>(Option<T> option, IReadOnlyList<(string Word, T Value)> choices)
    {
        // No DefaultValueFactory (help would print its value's ToString()): an absent option
        // reads as default(T), so the first choice must be that value.
        if (!EqualityComparer<T>.Default.Equals(choices[0].Value, default!))
            throw new ArgumentException($"the default choice of {option.Name} must be the first member of {typeof(T).Name}", nameof(choices));
        option.DefaultValueFactory = null;
        option.Description = $"{option.Description} [default: {choices[0].Word}]";
        option.CustomParser = result => Parse(result, option.Name, choices);
        option.CompletionSources.Add(choices.Select(c => c.Word).ToArray());
    }

    private static T Parse<T>(ArgumentResult result, string optionName, IReadOnlyList<(string Word, T Value)> choices)
    {
        if (result.Tokens.Count > 0)
        {
            string text = result.Tokens[^1].Value;
            foreach (var (word, value) in choices)
            {
                if (word == text) return value;
            }
            result.AddError($"unknown value '{text}' for {optionName}: expected {List(choices.Select(c => c.Word).ToList())}");
        }
        return choices[0].Value;
    }

    private static string List(IReadOnlyList<string> words) =>
        words.Count == 1 ? words[0] : string.Join(", ", words.Take(words.Count - 1)) + " or " + words[^1];
}
