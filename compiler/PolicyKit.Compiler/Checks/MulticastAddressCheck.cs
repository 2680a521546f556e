using PolicyKit.Compiler.Model;
using PolicyKit.Compiler.Text;

namespace PolicyKit.Compiler.Checks;

/// <summary>MP3001 a group range that is not multicast; MP3002 a source that is multicast.</summary>
public sealed class MulticastAddressCheck : PolicyCheck
{
    public override void Run(CheckContext context)
    {
        // A set's entries are reached from the set and from every place that uses it: report each written prefix once.
        var reported = new HashSet<(SourceFile, int, bool)>();
        foreach (var (match, isGroup) in ModelWalker.AllAddressMatches(context.Model))
        {
            foreach (var entry in match.Include)
            {
                if (!reported.Add((entry.Span.File, entry.Span.Start, isGroup))) continue;
                if (isGroup && !entry.Prefix.IsMulticast)
                {
                    context.Diagnostics.Add(entry.Span, c => c.GroupNotMulticast(ModelWalker.Describe(entry.Prefix)));
                }
                else if (!isGroup && entry.Prefix.OverlapsMulticast && entry.Prefix.Length > 0)
                {
                    context.Diagnostics.Add(entry.Span, c => c.SourceIsMulticast(ModelWalker.Describe(entry.Prefix)));
                }
            }
        }
    }
}
